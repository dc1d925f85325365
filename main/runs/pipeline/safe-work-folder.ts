import { shellQuote } from '../../host/shell-quote';

/** What the script prints before it exits 3 on an unsafe path (the reason follows on the same line). */
export const UNSAFE_MARK = 'traindeck-unsafe-work-folder:';

/**
 * A POSIX sh script that makes the run's work folder and proves that no other user can change what is
 * in it before the executor starts (the executor reads secrets from stdin; whoever can swap
 * `bootstrap.sh` or `executor.mjs` between upload and start would run as the login user with them):
 * - every folder above it, on its physical path (`cd -P`), belongs to root or the login user and is not
 *   writable by group or others, except root's sticky folders such as /tmp and /var/tmp;
 * - a symbolic link on the way there belongs to root or the login user (nobody else can repoint it);
 * - the work folder itself is the login user's, not a link, and has no group or other permissions
 *   (it is made with mode 0700 when missing).
 * It exits 3 with one line `UNSAFE_MARK reason` when a check fails, before anything is uploaded.
 * `ls -ldn` is read instead of `stat -c` so that BSD and GNU userlands both work. No backslash anywhere: the
 * command must stay a plain POSIX string whatever the desktop's OS (remote-paths-windows.test.ts).
 */
export function safeWorkFolderScript(workDir: string, subfolders: readonly string[]): string {
  return `umask 077
uid=$(id -u)
refuse() { printf '%s %s' ${shellQuote(UNSAFE_MARK)} "$*" >&2; echo >&2; exit 3; }
owner_of() { set -- $(ls -ldn "$1"); printf '%s' "$3"; }
perms_of() { set -- $(ls -ldn "$1"); printf '%s' "$1"; }
check_link() {
  o=$(owner_of "$1")
  [ "$o" = 0 ] || [ "$o" = "$uid" ] || refuse "$1 is a symbolic link that belongs to uid $o: another user can repoint it"
}
check_parent() {
  [ -d "$1" ] || refuse "$1 is not a folder"
  o=$(owner_of "$1"); p=$(perms_of "$1")
  [ "$o" = 0 ] || [ "$o" = "$uid" ] || refuse "$1 belongs to uid $o, not to you (uid $uid) or root: that user could swap the run's files"
  case $p in
    ?????w*|????????w*)
      case $o:$p in 0:?????????[tT]*) ;; *) refuse "$1 is writable by other users ($p): they could swap the run's files" ;; esac ;;
  esac
}
run=${shellQuote(workDir)}
case $run in /*) ;; *) refuse "$run is not an absolute path" ;; esac
parent=$(dirname "$run")
mkdir -p "$parent" 2>/dev/null || refuse "cannot create $parent"
# Walks a path's components without word splitting (names may hold spaces): each() PATH FUNCTION.
each() {
  rest=\${1#/}; path=''
  while [ -n "$rest" ]; do
    part=\${rest%%/*}
    if [ "$part" = "$rest" ]; then rest=''; else rest=\${rest#*/}; fi
    [ -n "$part" ] || continue
    path="$path/$part"
    "$2" "$path"
  done
}
link_only() { if [ -L "$1" ]; then check_link "$1"; fi; }
each "$parent" link_only
physical=$(cd -P "$parent" && pwd -P) || refuse "cannot enter $parent"
check_parent /
each "$physical" check_parent
[ -L "$run" ] && refuse "$run is a symbolic link"
[ -e "$run" ] || mkdir -m 700 "$run" || refuse "cannot create $run"
[ -L "$run" ] && refuse "$run is a symbolic link"
[ "$(owner_of "$run")" = "$uid" ] || refuse "$run belongs to uid $(owner_of "$run"), not to you (uid $uid)"
case $(perms_of "$run") in d???------*) ;; *) refuse "$run has permissions $(perms_of "$run"): it must be yours alone (0700)" ;; esac
mkdir -p ${subfolders.map(shellQuote).join(' ')}
`;
}
