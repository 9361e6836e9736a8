#!/usr/bin/env sh
# shellcheck disable=SC2034
dns_preflight_info='acme-preflight: any DNS provider acme-preflight supports, waiting for every authoritative server
Site: github.com/acme-preflight/acme-preflight
Options:
 ACME_PREFLIGHT_PROVIDER acme-preflight provider code (e.g. cloudflare, route53, rfc2136)
 ACME_PREFLIGHT_CMD Command to run acme-preflight. Optional, default "acme-preflight"
 ACME_PREFLIGHT_ARGS Extra options for acme-preflight dns01 (e.g. "--propagation-timeout 300"). Optional
 The variables of the provider, as acme-preflight names them ("acme-preflight providers"), e.g.
 CLOUDFLARE_DNS_API_TOKEN for cloudflare or RFC2136_NAMESERVER, RFC2136_TSIG_KEY, RFC2136_TSIG_SECRET for rfc2136.
'
# Install: copy to ~/.acme.sh/dnsapi/dns_preflight.sh, then
#   ACME_PREFLIGHT_PROVIDER=cloudflare CLOUDFLARE_DNS_API_TOKEN=... acme.sh --issue --dns dns_preflight -d example.com
# dns_preflight_add returns only once every authoritative server of the zone serves the value, so
# acme.sh's own --dnssleep can be 0. The settings and the provider's credentials are saved in the account
# conf (_saveaccountconf_mutable), as every acme.sh dnsapi script does, so renewals from cron have them.
# PREFLIGHT_PROVIDER/PREFLIGHT_CMD/PREFLIGHT_ARGS, the names of earlier versions, are still read.

# Usage: dns_preflight_add _acme-challenge.www.example.com "XKrxpRBosdIKFzxW_CT3KLZNf6q0HG9i01zxXp5CPBs"
dns_preflight_add() {
  fulldomain="$1"
  txtvalue="$2"
  _preflight_load || return 1
  _preflight_log info "acme-preflight: adding $fulldomain TXT $txtvalue through $ACME_PREFLIGHT_PROVIDER"
  # shellcheck disable=SC2086
  if ! $ACME_PREFLIGHT_CMD dns01 present "$fulldomain" "$txtvalue" --provider "$ACME_PREFLIGHT_PROVIDER" $ACME_PREFLIGHT_ARGS; then
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
  if ! $ACME_PREFLIGHT_CMD dns01 cleanup "$fulldomain" --provider "$ACME_PREFLIGHT_PROVIDER" $ACME_PREFLIGHT_ARGS; then
    _preflight_log err "acme-preflight: could not remove $fulldomain TXT $txtvalue"
    return 1
  fi
  return 0
}

####################  Private functions below ##################################

_preflight_load() {
  ACME_PREFLIGHT_PROVIDER="${ACME_PREFLIGHT_PROVIDER:-$PREFLIGHT_PROVIDER}"
  ACME_PREFLIGHT_CMD="${ACME_PREFLIGHT_CMD:-$PREFLIGHT_CMD}"
  ACME_PREFLIGHT_ARGS="${ACME_PREFLIGHT_ARGS:-$PREFLIGHT_ARGS}"
  for _pf_var in ACME_PREFLIGHT_PROVIDER ACME_PREFLIGHT_CMD ACME_PREFLIGHT_ARGS; do
    _preflight_restore "$_pf_var" "PREFLIGHT_${_pf_var#ACME_PREFLIGHT_}"
  done
  ACME_PREFLIGHT_CMD="${ACME_PREFLIGHT_CMD:-acme-preflight}"
  if [ -z "$ACME_PREFLIGHT_PROVIDER" ]; then
    _preflight_log err "ACME_PREFLIGHT_PROVIDER is not set: name the acme-preflight DNS provider (e.g. cloudflare)"
    return 1
  fi
  # The provider's credentials: the names come from the provider's metadata (and each has a _FILE form).
  # shellcheck disable=SC2086
  _pf_names="$($ACME_PREFLIGHT_CMD providers --env-names "$ACME_PREFLIGHT_PROVIDER" 2>/dev/null)" || _pf_names=""
  for _pf_name in $_pf_names; do
    _preflight_restore "$_pf_name"
    _preflight_restore "${_pf_name}_FILE"
    export "${_pf_name?}" "${_pf_name}_FILE"
  done
  for _pf_var in ACME_PREFLIGHT_PROVIDER ACME_PREFLIGHT_CMD ACME_PREFLIGHT_ARGS $_pf_names; do
    _preflight_save "$_pf_var"
    [ "${_pf_var#ACME_PREFLIGHT_}" = "$_pf_var" ] && _preflight_save "${_pf_var}_FILE"
  done
  return 0
}

# _preflight_restore VAR [OLD_NAME]: VAR from the environment, else from the account conf (a renewal from cron).
_preflight_restore() {
  eval "_pf_value=\"\${$1:-}\""
  if [ -z "$_pf_value" ] && command -v _readaccountconf_mutable >/dev/null 2>&1; then
    _pf_value="$(_readaccountconf_mutable "$1")"
    [ -z "$_pf_value" ] && [ -n "${2:-}" ] && _pf_value="$(_readaccountconf_mutable "$2")"
    [ -n "$_pf_value" ] && eval "$1=\"\$_pf_value\""
  fi
  return 0
}

# _preflight_save VAR: kept in the account conf for renewals; an unset variable is not saved.
_preflight_save() {
  eval "_pf_value=\"\${$1:-}\""
  if [ -n "$_pf_value" ] && command -v _saveaccountconf_mutable >/dev/null 2>&1; then
    _saveaccountconf_mutable "$1" "$_pf_value"
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
