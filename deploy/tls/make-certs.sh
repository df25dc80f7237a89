#!/bin/sh
# A private CA and the NATS server certificate for docker-compose.yml, into deploy/tls/ (or $1):
#   ca.pem, ca-key.pem   the CA (keep ca-key.pem offline once the certificates are issued)
#   server.pem, server-key.pem   for every NATS node: SANs nats, nats-1..3 (compose) and the
#       Kubernetes names; EKU serverAuth and clientAuth (cluster routes use it as a client too)
# Existing files are kept; delete them to re-issue. Needs openssl.
set -eu
dir=${1:-$(dirname "$0")}
cd "$dir"
umask 077
ns=${MP4T_NAMESPACE:-mp4t}
sans="DNS:nats,DNS:nats-1,DNS:nats-2,DNS:nats-3,DNS:localhost,IP:127.0.0.1"
for n in 1 2 3; do sans="$sans,DNS:nats-$n.nats-headless.$ns.svc.cluster.local"; done
sans="$sans,DNS:nats.$ns.svc,DNS:nats.$ns.svc.cluster.local"
if [ ! -f ca.pem ]; then
  openssl req -x509 -newkey rsa:3072 -sha256 -days 3650 -nodes -keyout ca-key.pem -out ca.pem \
    -subj "/CN=mp4totext NATS CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi
if [ ! -f server.pem ]; then
  openssl req -newkey rsa:3072 -sha256 -nodes -keyout server-key.pem -out server.csr -subj "/CN=nats" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' "$sans" > server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 825 -sha256 -extfile server.ext -out server.pem 2>/dev/null
  rm -f server.csr server.ext ca.srl
fi
# Certificates readable by all, keys by their owner only (the NATS containers run as root).
chmod 644 ca.pem server.pem; chmod 600 server-key.pem ca-key.pem
echo "NATS TLS files in $(pwd): ca.pem server.pem server-key.pem"
