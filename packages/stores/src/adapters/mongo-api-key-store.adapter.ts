import { ApiKeyRecord } from "@mp4t/contracts";
import type { Collection } from "mongodb";
import type { ApiKeyStore } from "../ports.ts";
import { connectMongo, type MongoOptions } from "./mongo-client.ts";

/** A key as stored: `_id` is the key's SHA-256, so finding a key is a lookup by primary key. */
type ApiKeyDoc = Omit<ApiKeyRecord, "hash"> & { _id: string };
const toRecord = ({ _id, ...doc }: ApiKeyDoc) => ApiKeyRecord.parse({ ...doc, hash: _id });

/** API keys on MongoDB (or a MongoDB-wire server), collection `api_keys`: the production adapter. */
export async function createMongoApiKeyStore(opts: MongoOptions): Promise<ApiKeyStore> {
  const { client, db } = await connectMongo(opts);
  const keys: Collection<ApiKeyDoc> = db.collection("api_keys");
  await keys.createIndex({ userId: 1, createdAt: 1 }, { name: "user_oldest" });

  return {
    async create(key) {
      const { hash, ...rest } = ApiKeyRecord.parse(key);
      await keys.insertOne({ ...rest, _id: hash });
    },
    async getByHash(hash) {
      const doc = await keys.findOne({ _id: hash });
      return doc ? toRecord(doc) : null;
    },
    async list(userId) {
      return (await keys.find({ userId }).sort({ createdAt: 1, id: 1 }).limit(1000).toArray()).map(toRecord);
    },
    async delete(userId, id) {
      return (await keys.deleteOne({ userId, id })).deletedCount > 0;
    },
    async touch(hash, at) {
      // Never back: only a record last used before `at` (or never) changes.
      await keys.updateOne({ _id: hash, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: at } }] }, { $set: { lastUsedAt: at } });
    },
    async close() {
      await client.close();
    },
  };
}
