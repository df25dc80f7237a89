export { newId } from "@mp4t/contracts";
