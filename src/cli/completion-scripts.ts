/**
 * The bash and zsh completion scripts of `mcsync completion`. Flags and value kinds are written
 * into the script from completionSpec() (no process starts for them); inventory hosts and
 * kubeconfig contexts depend on the line typed, so the script asks `mcsync __complete` for them.
 * The tables are plain `case` statements, which bash and zsh read alike; only the function that
 * hands candidates to the shell differs (compgen/COMPREPLY, compadd/_files).
 */
import type { CompletedCommand, ValueKind } from './completion-spec.ts';

export interface ScriptOptions {
  /** The argv that runs mcsync (node and bin/mcsync.js): `… __complete hosts -i INV`. */
  callback: readonly string[];
}

/** The programs completed: mcsync, and the two aliases whose first argument is no subcommand. */
const ALIASES: Readonly<Record<string, string>> = { 'mcsync-play': 'play', 'mcsync-observe': 'observe' };
const PROGRAMS = ['mcsync', ...Object.keys(ALIASES)];

/** A word for a POSIX shell, single-quoted. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** `file`, `words:a b`: how a ValueKind reads inside the script. */
function kindWord(value: ValueKind): string {
  return value.kind === 'words' ? `words:${value.words.join(' ')}` : value.kind;
}

function caseArm(patterns: readonly string[], body: string): string {
  return `    ${patterns.map(shellQuote).join('|')}) ${body} ;;`;
}

/** The parts both shells share: the callback, the command list and the three lookup tables. */
function tables(spec: readonly CompletedCommand[], options: ScriptOptions): string {
  const flagArms = spec.map((c) => {
    const words = c.flags.flatMap((f) => [...(f.short ? [`-${f.short}`] : []), `--${f.long}`]);
    return caseArm([c.name], `REPLY=${shellQuote(words.join(' '))}`);
  });
  const valueArms = spec.flatMap((c) =>
    c.flags
      .filter((f) => f.value !== undefined)
      .map((f) =>
        caseArm(
          [...(f.short ? [`${c.name} -${f.short}`] : []), `${c.name} --${f.long}`],
          `REPLY=${shellQuote(kindWord(f.value as ValueKind))}`,
        ),
      ),
  );
  const positionalArms = spec.flatMap((c) => {
    const arms = c.positionals.map((kind, index) =>
      index === c.positionals.length - 1
        ? `    ${shellQuote(`${c.name} `)}*) REPLY=${shellQuote(kindWord(kind))} ;;`
        : caseArm([`${c.name} ${index}`], `REPLY=${shellQuote(kindWord(kind))}`),
    );
    const dash = c.afterDashDash
      ? [caseArm([`${c.name} --`], `REPLY=${shellQuote(kindWord(c.afterDashDash))}`)]
      : [];
    return [...dash, ...arms];
  });
  const aliasArms = Object.entries(ALIASES).map(([program, command]) =>
    caseArm([program], `REPLY=${command}`),
  );
  return `_mcsync_callback() { ${options.callback.map(shellQuote).join(' ')} __complete "$@" 2>/dev/null; }
_mcsync_commands=${shellQuote([...spec.map((c) => c.name), 'help'].join(' '))}

# REPLY: the flags of command $1.
_mcsync_flags() {
  case $1 in
${flagArms.join('\n')}
    *) REPLY= ;;
  esac
}

# REPLY: what flag $2 of command $1 takes (empty: no value, or not a flag of it).
_mcsync_value_kind() {
  case "$1 $2" in
${valueArms.join('\n')}
    *) REPLY= ;;
  esac
}

# REPLY: what positional argument $2 (0-based, or -- after a --) of command $1 is.
_mcsync_positional_kind() {
  case "$1 $2" in
${positionalArms.join('\n')}
    *) REPLY=none ;;
  esac
}

# REPLY: the subcommand an alias runs (empty for mcsync itself).
_mcsync_alias() {
  case \${1##*/} in
${aliasArms.join('\n')}
    *) REPLY= ;;
  esac
}`;
}

/**
 * Shared walk over the words before the cursor, in the syntax both shells accept: sets
 * _mcsync_cmd, _mcsync_kind (what the word at the cursor is) and _mcsync_inv / _mcsync_kube
 * (the -i values and the kubeconfig typed so far). Arrays are read through "\${w[@]}" copies, so
 * zsh's 1-based and bash's 0-based indexing do not matter: the caller passes the words.
 */
const WALK = `_mcsync_walk() {
  local word want= positional=0 dashdash=
  _mcsync_alias "$1"; _mcsync_cmd=$REPLY
  _mcsync_inv=() _mcsync_kube= _mcsync_kind=
  shift
  if [ -z "$_mcsync_cmd" ]; then
    if [ $# -le 1 ]; then _mcsync_kind=top; return; fi
    _mcsync_cmd=$1; shift
  fi
  while [ $# -gt 1 ]; do
    word=$1; shift
    if [ -n "$dashdash" ]; then dashdash=later; continue; fi
    if [ "$word" = = ] && [ -n "$want" ]; then continue; fi
    if [ -n "$want" ]; then
      case $want in
        -i|--inventory) _mcsync_inv+=("$word") ;;
        --kubeconfig) _mcsync_kube=$word ;;
      esac
      want=; continue
    fi
    case $word in
      --) dashdash=first; continue ;;
      --inventory=*) _mcsync_inv+=("\${word#*=}"); continue ;;
      --kubeconfig=*|--from-kubeconfig=*) _mcsync_kube=\${word#*=}; continue ;;
      -*)
        _mcsync_value_kind "$_mcsync_cmd" "$word"
        if [ -n "$REPLY" ]; then want=$word; fi
        continue ;;
    esac
    if [ "$_mcsync_cmd" = init ] && [ "$positional" = 0 ]; then _mcsync_kube=$word; fi
    positional=$((positional + 1))
  done
  if [ -n "$want" ]; then _mcsync_value_kind "$_mcsync_cmd" "$want"; _mcsync_kind=$REPLY; return; fi
  if [ "$dashdash" = first ]; then _mcsync_positional_kind "$_mcsync_cmd" --; _mcsync_kind=$REPLY; return; fi
  if [ -n "$dashdash" ]; then _mcsync_kind=file; return; fi
  case $1 in
    --*=*) _mcsync_value_kind "$_mcsync_cmd" "\${1%%=*}"; _mcsync_kind=\${REPLY:+flag=$REPLY} ;;
    -*) _mcsync_kind=flags ;;
    *) _mcsync_positional_kind "$_mcsync_cmd" "$positional"; _mcsync_kind=$REPLY ;;
  esac
}`;

/** The `__complete` calls the script makes, with the inventories / kubeconfig typed. */
const CALLBACKS = `_mcsync_names() {
  local -a args
  local inv
  for inv in "\${_mcsync_inv[@]}"; do args+=(-i "$inv"); done
  case $1 in
    host) _mcsync_callback hosts "\${args[@]}" ;;
    pattern) _mcsync_callback patterns "\${args[@]}" ;;
    context) _mcsync_callback contexts \${_mcsync_kube:+"$_mcsync_kube"} ;;
  esac
}`;

/** The bash script: `source <(mcsync completion bash)`. */
export function bashScript(spec: readonly CompletedCommand[], options: ScriptOptions): string {
  return `# bash completion for ${PROGRAMS.join(', ')}. Generated by \`mcsync completion bash\`; load it with
#   source <(mcsync completion bash)          (in ~/.bashrc)
# Inventory hosts and kubeconfig contexts come from \`mcsync __complete\`, run in the current directory.
${tables(spec, options)}

${WALK}

${CALLBACKS}

# Adds each line of standard input to COMPREPLY, after prefix $1.
_mcsync_add() {
  local line
  while IFS= read -r line; do COMPREPLY+=("$1$line"); done
}

_mcsync_values() {
  local kind=$1 cur=$2 pre=$3 last
  case $kind in
    file|path) compopt -o filenames 2>/dev/null; _mcsync_add "$pre" < <(compgen -f -- "$cur") ;;
    dir) compopt -o filenames 2>/dev/null; _mcsync_add "$pre" < <(compgen -d -- "$cur") ;;
    at-file)
      if [[ $cur == @* ]]; then compopt -o filenames 2>/dev/null; _mcsync_add "$pre@" < <(compgen -f -- "\${cur#@}"); fi ;;
    playbook)
      compopt -o filenames 2>/dev/null
      local f
      while IFS= read -r f; do
        case \${f##*/} in mcsync.yaml|mcsync.yml) continue ;; esac
        if [[ -d $f || $f == *.yml || $f == *.yaml ]]; then COMPREPLY+=("$pre$f"); fi
      done < <(compgen -f -- "$cur")
      if [[ $cur != */* && -d playbooks ]]; then
        while IFS= read -r f; do
          if [[ $f == *.yml || $f == *.yaml ]]; then COMPREPLY+=("$pre\${f#playbooks/}"); fi
        done < <(compgen -f -- "playbooks/$cur")
      fi ;;
    host|context) _mcsync_add "$pre" < <(compgen -W "$(_mcsync_names "$kind")" -- "$cur") ;;
    pattern)
      last=\${cur##*[,\\!\\&]}
      _mcsync_add "$pre\${cur%"$last"}" < <(compgen -W "$(_mcsync_names pattern)" -- "$last") ;;
    command) _mcsync_add "$pre" < <(compgen -c -- "$cur") ;;
    words:*) _mcsync_add "$pre" < <(compgen -W "\${kind#words:}" -- "$cur") ;;
  esac
}

_mcsync() {
  local cur broken= REPLY _mcsync_cmd _mcsync_kind _mcsync_kube
  local -a words _mcsync_inv
  COMPREPLY=()
  if [[ -n \${COMP_LINE-} ]]; then
    # bash splits words at = and : (COMP_WORDBREAKS): split the line at blanks instead, so a
    # context such as default/api-x:6443/admin or --limit=east is one word.
    local line=\${COMP_LINE:0:COMP_POINT} breaks=
    read -ra words <<< "$line"
    if [[ -z $line || $line == *[[:blank:]] ]]; then words+=(''); fi
    cur=\${words[\${#words[@]}-1]}
    # readline then replaces only what follows the last break character of the word.
    [[ $COMP_WORDBREAKS == *=* ]] && breaks+='='
    [[ $COMP_WORDBREAKS == *:* ]] && breaks+=':'
    if [[ -n $breaks ]]; then broken=\${cur%"\${cur##*[$breaks]}"}; fi
  else
    words=("\${COMP_WORDS[@]:0:COMP_CWORD+1}")
    cur=\${COMP_WORDS[COMP_CWORD]}
  fi
  _mcsync_walk "\${words[@]}"
  case $_mcsync_kind in
    top) _mcsync_add '' < <(compgen -W "$_mcsync_commands --help --version" -- "$cur") ;;
    flags) _mcsync_flags "$_mcsync_cmd"; _mcsync_add '' < <(compgen -W "$REPLY" -- "$cur") ;;
    flag=*) _mcsync_values "\${_mcsync_kind#flag=}" "\${cur#*=}" "\${cur%%=*}=" ;;
    *)
      # Words split at '=' (COMP_WORDS without COMP_LINE): the word at the cursor may be '='.
      if [[ $cur == = ]]; then _mcsync_values "$_mcsync_kind" ''; else _mcsync_values "$_mcsync_kind" "$cur" ''; fi ;;
  esac
  if [[ -n $broken ]]; then COMPREPLY=("\${COMPREPLY[@]#"$broken"}"); fi
  return 0
}

complete -F _mcsync ${PROGRAMS.join(' ')}
`;
}

/** The zsh script: in a directory of $fpath as `_mcsync`, or `source <(mcsync completion zsh)`. */
export function zshScript(spec: readonly CompletedCommand[], options: ScriptOptions): string {
  return `#compdef ${PROGRAMS.join(' ')}
# zsh completion for ${PROGRAMS.join(', ')}. Generated by \`mcsync completion zsh\`; load it with
#   mcsync completion zsh > "\${fpath[1]}/_mcsync"    (then start a new shell), or, after compinit,
#   source <(mcsync completion zsh)                    (in ~/.zshrc)
# Inventory hosts and kubeconfig contexts come from \`mcsync __complete\`, run in the current directory.
${tables(spec, options)}

${WALK}

${CALLBACKS}

_mcsync_values() {
  local kind=$1 cur=$2
  local -a names
  case $kind in
    file|path) _files ;;
    dir) _files -/ ;;
    at-file) if [[ $cur == @* ]]; then compset -P '@'; _files; fi ;;
    playbook)
      _files -g '*.(yml|yaml)'
      if [[ $cur != */* && -d playbooks ]]; then
        names=(playbooks/*.(yml|yaml)(N:t))
        compadd -a names
      fi ;;
    host|context) names=(\${(f)"$(_mcsync_names $kind)"}); compadd -a names ;;
    pattern) compset -P '*[,!&]'; names=(\${(f)"$(_mcsync_names pattern)"}); compadd -a names ;;
    command) _command_names ;;
    words:*) names=(\${=kind#words:}); compadd -a names ;;
  esac
}

_mcsync() {
  local cur=\${words[CURRENT]} REPLY
  local -a names _mcsync_inv
  local _mcsync_cmd _mcsync_kind _mcsync_kube
  _mcsync_walk "\${(@)words[1,CURRENT]}"
  case $_mcsync_kind in
    top) names=(\${=_mcsync_commands} --help --version); compadd -a names ;;
    flags) _mcsync_flags "$_mcsync_cmd"; names=(\${=REPLY}); compadd -a names ;;
    flag=*) compset -P '*='; _mcsync_values "\${_mcsync_kind#flag=}" "\${cur#*=}" ;;
    *) _mcsync_values "$_mcsync_kind" "$cur" ;;
  esac
}

# Autoloaded from $fpath this file is the body of _mcsync: run it. Sourced, register it.
if [[ \${funcstack[1]} == _mcsync ]]; then
  _mcsync "$@"
else
  compdef _mcsync ${PROGRAMS.join(' ')}
fi
`;
}
