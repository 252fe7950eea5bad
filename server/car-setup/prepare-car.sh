#!/usr/bin/env bash
# Prepares one DeepRacer car for drem's restarts over SSH. Run it once per car, from the
# laptop that runs drem:
#
#   bash server/car-setup/prepare-car.sh CAR_ADDRESS [KEY_FILE]
#
#   CAR_ADDRESS  the car's IP address or host name, as its screen shows it
#   KEY_FILE     the private key drem uses for every car (default ~/.ssh/drem-cars;
#                made once, without a passphrase, if missing)
#
# It asks for the car's console password (on the sticker under the car) and, once, for
# the car's SSH password (`deepracer` until someone changed it). What it does:
#   1. signs in to the car's console and turns SSH on (off on a car as shipped);
#   2. installs the key for the user `deepracer`;
#   3. lets that user restart the DeepRacer service, and nothing else, without a
#      password, and turns SSH password logins off (the default password is public);
#   4. checks that drem's exact command works.
# Then, in drem: Cars → "SSH key for restarts": user `deepracer` and the key in KEY_FILE.
set -euo pipefail

car="${1:?usage: prepare-car.sh CAR_ADDRESS [KEY_FILE]}"
key="${2:-$HOME/.ssh/drem-cars}"
user=deepracer
# SSH takes the host alone (the console's address may carry a port).
host="${car%:*}"
[[ "$car" == *:*:* || "$car" != *:* ]] && host="$car"

if ! [ -f "$key" ]; then
  mkdir -p "$(dirname "$key")"
  ssh-keygen -q -t ed25519 -N '' -C drem-cars -f "$key"
  echo "made the key $key"
fi

# 1. The console: the CSRF token from its page, sign in, turn SSH on.
read -rsp "Console password of $car: " console_password
echo
jar="$(mktemp)"
trap 'rm -f "$jar"' EXIT
page="$(curl -sSk -c "$jar" -b "$jar" "https://$car/")"
csrf="$(printf '%s' "$page" | sed -n 's/.*name="csrf-token" content="\([^"]*\)".*/\1/p' | head -n 1)"
if [ -z "$csrf" ]; then
  echo "no DeepRacer console answers at https://$car/" >&2
  exit 1
fi
answer="$(curl -sSk -c "$jar" -b "$jar" -H "X-CSRFToken: $csrf" \
  --data-urlencode "password=$console_password" "https://$car/login")"
if [ "$answer" = failure ]; then
  echo "the console refused this password" >&2
  exit 1
fi
curl -sSk -b "$jar" "https://$car/api/enableSsh" | grep -q '"isSshEnabled": *true' || {
  echo "the console did not turn SSH on" >&2
  exit 1
}
echo "SSH is on."

# 2. The key (asks the SSH password once).
ssh-copy-id -i "$key.pub" "$user@$host"

# 3. One passwordless command for drem, and no SSH password logins from now on.
ssh -t -i "$key" "$user@$host" '
  set -e
  echo "deepracer ALL=(root) NOPASSWD: /usr/bin/systemctl restart deepracer-core" \
    | sudo tee /etc/sudoers.d/drem-restart >/dev/null
  sudo chmod 440 /etc/sudoers.d/drem-restart
  sudo visudo -cf /etc/sudoers.d/drem-restart
  echo "PasswordAuthentication no" | sudo tee /etc/ssh/sshd_config.d/drem.conf >/dev/null
  sudo systemctl reload ssh'

# 4. drem's own command, without a password.
ssh -i "$key" -o BatchMode=yes "$user@$host" 'sudo -n -l /usr/bin/systemctl restart deepracer-core' >/dev/null
echo "Ready: drem may restart $car's DeepRacer service with the key $key (user $user)."
