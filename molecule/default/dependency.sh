#!/usr/bin/env bash
# molecule's dependency step for this scenario: get the collection the way a user
# does (build the tarball, install it into a fresh path, read its roles with
# ansible-doc), and create the Django project it will deploy (make_project.py).
#   dependency.sh PROJECT_DIRECTORY EPHEMERAL_DIRECTORY
set -euo pipefail
project=$1
dest=$2
scenario=$(cd "$(dirname "$0")" && pwd)
collections=$dest/collections

rm -rf "$dest/dist" "$collections"
ansible-galaxy collection build --output-path "$dest/dist" "$project"
# The dependencies in galaxy.yml (community.general, ...) come with the ansible
# package; --no-deps keeps Galaxy out of it.
ANSIBLE_COLLECTIONS_PATH=$collections ansible-galaxy collection install --offline --no-deps --force -p "$collections" "$dest"/dist/django_skeleton-stack-*.tar.gz

installed=$collections/ansible_collections/django_skeleton/stack
for role in "$installed"/roles/*/; do
  name=django_skeleton.stack.$(basename "$role")
  ANSIBLE_COLLECTIONS_PATH=$collections ansible-doc -t role "$name" | grep -qF "($installed)" ||
    { echo "ansible-doc -t role $name does not show the installed role"; exit 1; }
  echo "ansible-doc -t role $name: ok"
done

make -C "$project" .venv-app/.installed
python3 "$scenario/make_project.py" "$dest/shop" \
  --django-admin "$project/.venv-app/bin/django-admin"
