#!/bin/sh
# tests/tls/certs.sh DIR - test certificates for the TLS tests, made with
# openssl into DIR (about a second):
#   ca.pem ca.key          test CA (RSA 2048)
#   good.pem/.key          localhost, SAN DNS:localhost IP:127.0.0.1, by the CA
#                          (RSA key: ECDHE-RSA); good-chain.pem = cert + CA
#   good-ec.pem/.key       the same name with a P-256 key (ECDHE-ECDSA)
#   expired.pem/.key       localhost by the CA, valid 2020-01-01..2021-01-01
#   future.pem/.key        localhost by the CA, valid from 2099-01-01
#   wrongname.pem/.key     wrong.example by the CA
#   self.pem/.key          localhost, self-signed (unknown CA; for --fingerprint)
#   sha1ca.pem             a root signed with SHA-1 (as in real CA bundles)
#   sha1root.pem/.key      localhost under sha1ca, signed with SHA-256 (valid)
#   sha1sig.pem/.key       localhost by the test CA, signed with SHA-1 (weak)
#   self.fp other.fp       SHA-256 of self.pem (colon form) / of good.pem (plain hex)
#   p384ca.pem             a P-384 root signed with ECDSA-SHA384 (as ISRG Root X2)
#   p384leaf.pem/.key      localhost (P-384 key) under p384ca, ECDSA-SHA384
#   rsa4096.pem/.key       localhost with an RSA 4096 key, by the test CA
set -eu
d=$1
mkdir -p "$d/ca.db"
cd "$d"
: > ca.db/index.txt
echo 1000 > ca.db/serial
cat > ca.cnf <<CNF
[ ca ]
default_ca = test
[ test ]
dir = $PWD/ca.db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $PWD/ca.pem
private_key = $PWD/ca.key
default_md = sha256
policy = any
unique_subject = no
copy_extensions = copy
[ any ]
commonName = supplied
[ server ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
CNF
q() { "$@" >>openssl.log 2>&1 || { cat openssl.log >&2; exit 1; }; }
q openssl req -x509 -newkey rsa:2048 -nodes -days 30 -keyout ca.key -out ca.pem \
	-subj "/CN=wirebox test CA" -addext basicConstraints=critical,CA:TRUE \
	-addext keyUsage=critical,keyCertSign,cRLSign
# leaf NAME CN SAN KEYALG START END
leaf() {
	q openssl req -new -newkey "$4" -nodes -keyout "$1.key" -out "$1.csr" \
		-subj "/CN=$2" -addext "subjectAltName=$3"
	q openssl ca -batch -config ca.cnf -extensions server -startdate "$5" \
		-enddate "$6" -in "$1.csr" -out "$1.pem" -notext
	rm -f "$1.csr"
}
now=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
later=$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)
leaf good localhost "DNS:localhost,IP:127.0.0.1" rsa:2048 "$now" "$later"
q openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout good-ec.key \
	-out good-ec.csr -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1"
q openssl ca -batch -config ca.cnf -extensions server -startdate "$now" -enddate "$later" \
	-in good-ec.csr -out good-ec.pem -notext
rm -f good-ec.csr
leaf expired localhost "DNS:localhost,IP:127.0.0.1" rsa:2048 20200101000000Z 20210101000000Z
leaf future localhost "DNS:localhost,IP:127.0.0.1" rsa:2048 20990101000000Z 21000101000000Z
leaf wrongname wrong.example "DNS:wrong.example" rsa:2048 "$now" "$later"
q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
	-keyout self.key -out self.pem -subj /CN=localhost \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1"
# a root signed with SHA-1 (as ~30 of Debian's bundle are) and a leaf under
# it signed with SHA-256: must verify; a leaf signed with SHA-1: must not
q openssl req -x509 -newkey rsa:2048 -sha1 -nodes -days 30 -keyout sha1ca.key -out sha1ca.pem \
	-subj "/CN=wirebox SHA-1 root" -addext basicConstraints=critical,CA:TRUE \
	-addext keyUsage=critical,keyCertSign,cRLSign
q openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout sha1root.key \
	-out sha1root.csr -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1"
q openssl x509 -req -in sha1root.csr -CA sha1ca.pem -CAkey sha1ca.key -CAcreateserial -days 5 \
	-sha256 -copy_extensions copy -out sha1root.pem
cp sha1root.key sha1sig.key
q openssl x509 -req -in sha1root.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 5 \
	-sha1 -copy_extensions copy -out sha1sig.pem
rm -f sha1root.csr
# what public mail servers have: a P-384 root signing with SHA-384 (Let's
# Encrypt's ISRG Root X2 and its E intermediates), RSA 4096 keys
q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -sha384 -nodes -days 30 \
	-keyout p384ca.key -out p384ca.pem -subj "/CN=wirebox P-384 root" \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
q openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout p384leaf.key \
	-out p384leaf.csr -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1"
q openssl x509 -req -in p384leaf.csr -CA p384ca.pem -CAkey p384ca.key -CAcreateserial -days 5 \
	-sha384 -copy_extensions copy -out p384leaf.pem
rm -f p384leaf.csr
leaf rsa4096 localhost "DNS:localhost,IP:127.0.0.1" rsa:4096 "$now" "$later"
cat good.pem ca.pem > good-chain.pem
openssl x509 -in self.pem -noout -fingerprint -sha256 | sed 's/.*=//' > self.fp
openssl x509 -in good.pem -outform DER | openssl dgst -sha256 -r | cut -c1-64 > other.fp
