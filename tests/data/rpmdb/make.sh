#!/bin/bash
# Regenerates the rpm databases under this folder with the real tools from Debian:
#   apt-get install rpm db5.3-util gnupg python3
# Every header blob comes from Debian's rpm 4.18: rpmbuild builds the packages below, `rpm -i --justdb`
# installs them into an sqlite rpmdb (the only writable backend Debian's rpm has), a gpg key is
# imported so the database holds a gpg-pubkey pseudo package, and `rpmdb --exportdb` dumps the
# headers. From that dump:
#   bdb/Packages        a real Berkeley DB hash database written by db5.3_load (little endian,
#                       4 KiB pages, so every header lives on overflow pages), laid out the way rpm's
#                       BDB backend keys it: 32-bit native instance number -> header blob, plus the
#                       record under key 0 that holds the next instance number. Debian's rpm reads
#                       it back with its read-only bdb_ro backend.
#   bdb-be/Packages     the same records, big endian, 16 KiB pages with page checksums, so small
#                       headers sit on the hash page itself and only the large one overflows
#                       (rpm's bdb_ro does not read checksummed files, so rpm cannot check this one).
#   ndb/Packages.db     SUSE's NDB format. Debian's rpm is built without the ndb backend, so ndb.py
#                       writes it following rpm's lib/backend/ndb/rpmpkg.c layout (slot pages,
#                       BlbS/BlbE framed blobs, adler32); rpm cannot check this one here.
# The expected-*.txt files are what `rpm -qa` prints for the sqlite database.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GNUPGHOME=$work/gnupg
mkdir -m 700 "$GNUPGHOME"

cat >"$work/alpha.spec" <<'SPEC'
Name: alpha
Version: 1.0
Release: 1
Summary: small noarch package
License: MIT
BuildArch: noarch
%description
alpha
%install
mkdir -p %{buildroot}/usr/share/alpha %{buildroot}/etc
echo a >%{buildroot}/usr/share/alpha/readme.txt
echo b >%{buildroot}/etc/alpha.conf
%files
/usr/share/alpha
%config /etc/alpha.conf
SPEC

# An epoch, an arch, and a subpackage whose own version differs from its source package's.
cat >"$work/beta.spec" <<'SPEC'
Name: beta
Epoch: 2
Version: 3.4.5
Release: 7.el9
Summary: package with an epoch
License: GPL-2.0-or-later AND MIT
%description
beta
%package -n libbeta
Version: 1.2
Summary: library subpackage
%description -n libbeta
libbeta
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/lib64
echo '#!/bin/sh' >%{buildroot}/usr/bin/beta
echo lib >%{buildroot}/usr/lib64/libbeta.so.1
%files
%attr(0755,root,root) /usr/bin/beta
%files -n libbeta
/usr/lib64/libbeta.so.1
SPEC

# Enough files that the header spans many 4 KiB Berkeley DB overflow pages. Epoch 0 is present
# but means no epoch.
cat >"$work/gamma.spec" <<'SPEC'
Name: gamma
Epoch: 0
Version: 0.9
Release: 1
Summary: package with a large header
License: ASL 2.0
BuildArch: noarch
%description
gamma
%install
mkdir -p %{buildroot}/usr/share/gamma/data
for i in $(seq -w 1 150); do echo $i >%{buildroot}/usr/share/gamma/data/file-with-a-rather-long-name-$i.txt; done
%files
/usr/share/gamma
SPEC

# A package that owns no files.
cat >"$work/delta.spec" <<'SPEC'
Name: delta
Version: 5
Release: 0.1
Summary: meta package without files
License: Public Domain
BuildArch: noarch
%description
delta
%files
SPEC

for spec in alpha beta gamma delta; do
  rpmbuild --quiet --define "_topdir $work/top" --target x86_64-linux -bb "$work/$spec.spec" >/dev/null
done

db=$work/sqlite
mkdir -p "$db"
rpm --dbpath "$db" --initdb
rpm --dbpath "$db" -i --justdb --nodeps --noscripts --ignorearch --ignoreos "$work"/top/RPMS/*/*.rpm
gpg --batch --quiet --passphrase '' --pinentry-mode loopback --quick-gen-key 'moat test <test@moat.invalid>' rsa2048 sign never
gpg --batch --armor --export >"$work/key.asc"
rpm --dbpath "$db" --import "$work/key.asc"

rm -rf "$here/sqlite" "$here/bdb" "$here/bdb-be" "$here/ndb"
mkdir -p "$here/sqlite" "$here/bdb" "$here/bdb-be" "$here/ndb"
sqlite3 "$db/rpmdb.sqlite" 'VACUUM'
cp "$db/rpmdb.sqlite" "$here/sqlite/rpmdb.sqlite"

rpmdb --dbpath "$db" --exportdb >"$work/headers.bin"
python3 "$here/headers_to_dump.py" "$work/headers.bin" little >"$work/le.dump"
python3 "$here/headers_to_dump.py" "$work/headers.bin" big >"$work/be.dump"
db5.3_load -t hash -c db_pagesize=4096 -c db_lorder=1234 -f "$work/le.dump" "$here/bdb/Packages"
db5.3_load -t hash -c db_pagesize=16384 -c db_lorder=4321 -c chksum=1 -f "$work/be.dump" "$here/bdb-be/Packages"
python3 "$here/ndb.py" "$work/headers.bin" "$here/ndb/Packages.db"

q() { rpm --dbpath "$1" "${@:2}" -qa --qf "$QF" | sort; }
QF='%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM}\n' q "$db" >"$here/expected-packages.txt"
QF='%{NAME} %{LICENSE}\n' q "$db" >"$here/expected-licenses.txt"
QF='[%{=NAME} %{FILENAMES}\n]' q "$db" >"$here/expected-files.txt"

# rpm itself must read the Berkeley DB file back to the same list.
ro=$work/bdb-check
mkdir -p "$ro" && cp "$here/bdb/Packages" "$ro/"
QF='%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM}\n' q "$ro" --define '_db_backend bdb_ro' \
  2>/dev/null | diff - "$here/expected-packages.txt"
ls -l "$here"/*/*
