#!/usr/bin/env sh
# shellcheck disable=SC2034
dns_preflight_info='acme-preflight: any DNS provider acme-preflight supports, waiting for every authoritative server
Site: github.com/acme-preflight/acme-preflight
Options:
 PREFLIGHT_PROVIDER acme-preflight provider code (e.g. cloudflare, route53, rfc2136); its credentials come from its own env vars
 PREFLIGHT_CMD Command to run acme-preflight. Optional, default "acme-preflight"
 PREFLIGHT_ARGS Extra options for acme-preflight dns01 (e.g. "--propagation-timeout 300"). Optional
'
# Install: copy to ~/.acme.sh/dnsapi/dns_preflight.sh, then
#   PREFLIGHT_PROVIDER=cloudflare CLOUDFLARE_DNS_API_TOKEN=... acme.sh --issue --dns dns_preflight -d example.com
# dns_preflight_add returns only once every authoritative server of the zone serves the value, so
# acme.sh's own --dnssleep can be 0. Settings are saved in the account conf for renewals.

# Usage: dns_preflight_add _acme-challenge.www.example.com "XKrxpRBosdIKFzxW_CT3KLZNf6q0HG9i01zxXp5CPBs"
dns_preflight_add() {
  fulldomain="$1"
  txtvalue="$2"
  _preflight_load || return 1
  _preflight_log info "acme-preflight: adding $fulldomain TXT $txtvalue through $PREFLIGHT_PROVIDER"
  # shellcheck disable=SC2086
  if ! $PREFLIGHT_CMD dns01 present "$fulldomain" "$txtvalue" --provider "$PREFLIGHT_PROVIDER" $PREFLIGHT_ARGS; then
    _preflight_log err "acme-preflight: $fulldomain TXT $txtvalue is not served by every authoritative server"
    return 1
  fi
  return 0
}

# Usage: dns_preflight_rm _acme-challenge.www.example.com "XKrxpRBosdIKFzxW_CT3KLZNf6q0HG9i01zxXp5CPBs"
dns_preflight_rm() {
  fulldomain="$1"
  txtvalue="$2"
  _preflight_load || return 1
  _preflight_log info "acme-preflight: removing $fulldomain TXT records it created"
  # shellcheck disable=SC2086
  if ! $PREFLIGHT_CMD dns01 cleanup "$fulldomain" --provider "$PREFLIGHT_PROVIDER" $PREFLIGHT_ARGS; then
    _preflight_log err "acme-preflight: could not remove $fulldomain TXT $txtvalue"
    return 1
  fi
  return 0
}

####################  Private functions below ##################################

_preflight_load() {
  if command -v _readaccountconf_mutable >/dev/null 2>&1; then
    PREFLIGHT_PROVIDER="${PREFLIGHT_PROVIDER:-$(_readaccountconf_mutable PREFLIGHT_PROVIDER)}"
    PREFLIGHT_CMD="${PREFLIGHT_CMD:-$(_readaccountconf_mutable PREFLIGHT_CMD)}"
    PREFLIGHT_ARGS="${PREFLIGHT_ARGS:-$(_readaccountconf_mutable PREFLIGHT_ARGS)}"
  fi
  PREFLIGHT_CMD="${PREFLIGHT_CMD:-acme-preflight}"
  if [ -z "$PREFLIGHT_PROVIDER" ]; then
    _preflight_log err "PREFLIGHT_PROVIDER is not set: name the acme-preflight DNS provider (e.g. cloudflare)"
    return 1
  fi
  if command -v _saveaccountconf_mutable >/dev/null 2>&1; then
    _saveaccountconf_mutable PREFLIGHT_PROVIDER "$PREFLIGHT_PROVIDER"
    _saveaccountconf_mutable PREFLIGHT_CMD "$PREFLIGHT_CMD"
    _saveaccountconf_mutable PREFLIGHT_ARGS "$PREFLIGHT_ARGS"
  fi
  return 0
}

# acme.sh's _info/_err when sourced by acme.sh, stderr otherwise.
_preflight_log() {
  level="$1"
  shift
  if [ "$level" = err ] && command -v _err >/dev/null 2>&1; then
    _err "$*"
  elif [ "$level" = info ] && command -v _info >/dev/null 2>&1; then
    _info "$*"
  else
    echo "$*" >&2
  fi
}
