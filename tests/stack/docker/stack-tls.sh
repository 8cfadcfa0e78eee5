#!/bin/sh
# docker compose's `stack-tls` step: the secure endpoints' material as `avrokit stack up`
# draws it (runtime/cli/src/stack/secure.rs): a throwaway CA, a server certificate it signs,
# the password of $SECURE_USER; and the files the images read them from: a PKCS#12 keystore
# and its password file for the apache/kafka image, the broker's JAAS file, the HTTPS
# registry's users realm and a curl config for calls to that registry.
#
# Usage: SECURE_USER=... REGISTRY_USER_ROLE=... stack-tls.sh DIR
#
# Drawn once per volume: a later `up` keeps them, since the running broker and registry
# hold the key and the broker's SCRAM credential holds the password
# (`docker compose down -v` discards them). The native stack draws them at every `up`,
# so its certificates live 30 days; these live as long as the volume, so a year.
set -eu
dir=$1
days=365
files="ca.pem server.pem server.key password kafka-keystore.p12 kafka-keystore-password
  kafka-jaas.conf registry-users.properties registry-curl.conf"

complete=yes
for f in $files; do
  [ -s "$dir/$f" ] || complete=no
done
if [ "$complete" = yes ]; then
  echo "stack-tls: keeping the CA, certificate and password in $dir"
  exit 0
fi

# The alpine image has no openssl command of its own.
command -v openssl >/dev/null 2>&1 || apk add --no-cache openssl >/dev/null

# openssl's progress dots go nowhere; its errors, if it fails, to stderr.
quiet() {
  out=$("$@" 2>&1) || { echo "$out" >&2; return 1; }
}

# The CA's key never reaches the volume: it stays in this scratch directory, removed on
# exit, so nothing can mint another certificate the stack's clients would trust.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
umask 077
quiet openssl req -x509 -newkey rsa:2048 -nodes -days "$days" \
  -subj "/CN=avrokit stack throwaway CA" -keyout ca.key -out ca.pem
quiet openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr
# Host clients reach the services at 127.0.0.1 or localhost, containers at their names.
cat >server.ext <<EOF
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kafka,DNS:schema-registry-tls
EOF
quiet openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
  -days "$days" -extfile server.ext -out server.pem

password=$(openssl rand -hex 16)
printf '%s' "$password" >password
# The apache/kafka image takes a keystore with a password (read from a file it names),
# not the native stack's unencrypted PEM keystore.
openssl rand -hex 16 >kafka-keystore-password
quiet openssl pkcs12 -export -name kafka -in server.pem -inkey server.key \
  -passout file:kafka-keystore-password -out kafka-keystore.p12
cat >kafka-jaas.conf <<EOF
KafkaServer {
  org.apache.kafka.common.security.scram.ScramLoginModule required;
};
EOF
cat >registry-users.properties <<EOF
quarkus.security.users.embedded.users.$SECURE_USER=$password
quarkus.security.users.embedded.roles.$SECURE_USER=$REGISTRY_USER_ROLE
EOF
printf 'user = "%s:%s"\n' "$SECURE_USER" "$password" >registry-curl.conf

# Readable by every container that mounts the volume, whatever user its image runs as
# (the broker's, the registry's and curl's differ); on the Docker host the volume itself
# is readable by root only.
mkdir -p "$dir"
for f in $files; do
  cp "$f" "$dir/$f"
  chmod 0644 "$dir/$f"
done
chmod 0755 "$dir"
echo "stack-tls: drew a CA, a server certificate and the password of $SECURE_USER into $dir"
