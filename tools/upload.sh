#!/usr/bin/env bash
# Upload the published site so that a visitor never sees a half-updated one, in three passes:
#   1. assets: every file that is not a page (theme/, media/, pagefind/, downloads, robots.txt …),
#      new and changed ones, nothing deleted: old pages still find everything they link to;
#   2. pages: HTML, XML (feeds, sitemaps) and calendars (.ics), with their .gz/.br: each new page
#      finds the assets it links to already in place;
#   3. stale files: a last pass with deletion removes what the new site no longer has.
#
# Usage: tools/upload.sh [--dry-run] rsync|s3 [OUTPUT_DIR]   (OUTPUT_DIR: output)
#        tools/upload.sh --check rsync|s3                    (only check the settings and the tool)
# Settings, from the environment:
#   rsync: RSYNC_TARGET=user@host:/path/to/site  (ssh options: rsync's own RSYNC_RSH, e.g. "ssh -p 2222")
#   s3:    S3_BUCKET=s3://bucket[/prefix]         (credentials: the aws CLI's own, e.g. AWS_PROFILE)
# --dry-run prints the commands instead of running them. While it copies, it holds the build lock
# (BUILD_LOCK, default .cache/build.lock), so no build swaps a new site in meanwhile. `make rsync_upload` / `make s3_upload`
# check the settings, build with `make publish`, then call this script.
set -euo pipefail

PAGES=(html xml ics)  # what a visitor opens, as opposed to what pages load

die() { echo "upload: $*" >&2; exit 1; }

dry_run=false
check_only=false
while [[ $# -gt 0 && $1 == --* ]]; do
  case $1 in
    --dry-run) dry_run=true ;;
    --check) check_only=true ;;
    *) die "unknown option $1. Usage: tools/upload.sh [--dry-run|--check] rsync|s3 [OUTPUT_DIR]" ;;
  esac
  shift
done
method=${1:-}
output=${2:-output}
output=${output%/}

check_settings() {
  case $method in
    rsync)
      [[ -n ${RSYNC_TARGET:-} ]] || die "RSYNC_TARGET is not set. Fix: run e.g. RSYNC_TARGET=deploy@www.example.gov.hk:/srv/smartlab make rsync_upload"
      $dry_run || command -v rsync >/dev/null || die "rsync is not installed. Fix: sudo apt-get install rsync" ;;
    s3)
      [[ -n ${S3_BUCKET:-} ]] || die "S3_BUCKET is not set. Fix: run e.g. S3_BUCKET=s3://smartlab-site make s3_upload"
      [[ $S3_BUCKET == s3://* ]] || die "S3_BUCKET must start with s3:// (it is '$S3_BUCKET'). Fix: e.g. S3_BUCKET=s3://smartlab-site"
      $dry_run || command -v aws >/dev/null || die "the aws command is not installed. Fix: install the AWS CLI (Debian: sudo apt-get install awscli)" ;;
    *) die "say where to upload: rsync or s3. Usage: tools/upload.sh [--dry-run|--check] rsync|s3 [OUTPUT_DIR]" ;;
  esac
}

check_settings
$check_only && exit 0

[[ -f $output/index.html ]] || die "$output/ holds no site. Fix: run make publish first (the make upload targets do)."
[[ -f $output/index.html.gz ]] || die "$output/ was not built by make publish (it has no .gz files). Fix: run make publish first."

# The build lock (plugins/outputs/lock.py), held for the three passes: a build (the dev server's, say)
# cannot swap a new site into $output while it is being copied, so the upload is of one whole site.
lock=${BUILD_LOCK:-.cache/build.lock}
if ! $dry_run && command -v flock >/dev/null; then
  mkdir -p "$(dirname "$lock")"
  exec 9>>"$lock"
  flock -n 9 || { echo "upload: waiting for the build that holds $lock to end" >&2; flock 9; }
fi

step=0
run() {  # print, then run unless --dry-run
  printf '%q ' "$@" | sed 's/ $//'
  echo
  $dry_run || "$@"
}
pass() {
  step=$((step + 1))
  echo "# $step/3 $*"
}

if [[ $method == rsync ]]; then
  target=${RSYNC_TARGET%/}/
  # -c: compare contents, not times (every build writes new files with the same bytes);
  # --chmod: readable by the web server whatever this machine's umask or the build's private folder.
  common=(-rlpt --checksum --compress "--chmod=D755,F644" --itemize-changes)
  not_pages=() only_pages=("--include=*/")
  for ext in "${PAGES[@]}"; do
    not_pages+=("--exclude=*.$ext" "--exclude=*.$ext.gz" "--exclude=*.$ext.br")
    only_pages+=("--include=*.$ext" "--include=*.$ext.gz" "--include=*.$ext.br")
  done
  only_pages+=("--exclude=*")
  pass "assets: every file that is not a page, nothing deleted"
  run rsync "${common[@]}" "${not_pages[@]}" "$output/" "$target"
  pass "pages: ${PAGES[*]} and their .gz/.br"
  run rsync "${common[@]}" "${only_pages[@]}" "$output/" "$target"
  pass "stale files: what the new site no longer has is deleted"
  run rsync "${common[@]}" --delete --delete-after "$output/" "$target"
else
  target=${S3_BUCKET%/}/
  # S3 serves a file as it is, with no choice by Accept-Encoding: the .gz/.br files stay here.
  common=(--no-progress --exclude "*.gz" --exclude "*.br")
  not_pages=() only_pages=(--exclude "*")
  for ext in "${PAGES[@]}"; do
    not_pages+=(--exclude "*.$ext")
    only_pages+=(--include "*.$ext")
  done
  pass "assets: every file that is not a page, nothing deleted"
  run aws s3 sync "$output/" "$target" "${common[@]}" "${not_pages[@]}"
  pass "pages: ${PAGES[*]}"
  run aws s3 sync "$output/" "$target" --no-progress "${only_pages[@]}"
  pass "stale files: what the new site no longer has is deleted"
  run aws s3 sync "$output/" "$target" "${common[@]}" --delete
fi
