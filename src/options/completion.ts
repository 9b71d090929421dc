/**
 * Shell completion scripts for bash, zsh and fish, made from the option table: the commands, each
 * command's options, the values of --format, --render and --dates, file names for the options that
 * take a file. Pure.
 */
import { COMMANDS } from './commands.js';
import { SHELLS, type Shell } from './config.js';
import { type OptionDef, type CommandName, COMMAND_NAMES, COMMAND_WORDS, flagOf, optionsFor } from './table.js';

/** A description fit for a completion menu: its first clause. */
function short(help: string): string {
  return help.split(';', 1)[0]!.trim();
}

function choicesOf(def: OptionDef): readonly string[] | undefined {
  return def.rule.choices;
}

function isFlag(def: OptionDef): boolean {
  return def.arity === 'flag';
}

function spellings(def: OptionDef): string[] {
  const names = [flagOf(def)];
  if (def.negatable) names.push(`--no-${def.name}`);
  if (def.short) names.push(`-${def.short}`);
  return names;
}

function bash(): string {
  const valueCases: string[] = [];
  const optionLists: string[] = [];
  for (const command of COMMAND_NAMES) {
    const defs = optionsFor(command);
    optionLists.push(`      ${command}) COMPREPLY=($(compgen -W "${defs.flatMap(spellings).join(' ')}" -- "$cur")) ;;`);
    for (const def of defs.filter((d) => !isFlag(d))) {
      const patterns = [flagOf(def), ...(def.short ? [`-${def.short}`] : [])].map((p) => `"${command} ${p}"`).join('|');
      const choices = choicesOf(def);
      const action = def.completeFiles
        ? 'COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null'
        : choices
          ? `COMPREPLY=($(compgen -W "${choices.join(' ')}" -- "$cur"))`
          : ':';
      valueCases.push(`    ${patterns}) ${action}; return ;;`);
    }
  }
  return `# sheetpipe completion for bash. Install:
#   sheetpipe completion bash > ~/.local/share/bash-completion/completions/sheetpipe
# or add to ~/.bashrc:  source <(sheetpipe completion bash)
_sheetpipe() {
  local cur prev cmd=export
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # --name=value: bash splits at '=', so the option is one word further back.
  if [[ $prev == "=" ]]; then prev="\${COMP_WORDS[COMP_CWORD-2]}"; fi
  if [[ $cur == "=" ]]; then cur=""; fi
  case "\${COMP_WORDS[1]}" in
    ${COMMAND_WORDS.join('|')}) cmd="\${COMP_WORDS[1]}" ;;
  esac
  if [[ $COMP_CWORD -eq 1 && $cur != -* ]]; then
    COMPREPLY=($(compgen -W "${COMMAND_WORDS.join(' ')}" -- "$cur"))
    return
  fi
  case "$cmd $prev" in
${valueCases.join('\n')}
  esac
  case "$cmd" in
    completion) COMPREPLY=($(compgen -W "${SHELLS.join(' ')}" -- "$cur")); return ;;
    help) COMPREPLY=($(compgen -W "${COMMAND_NAMES.join(' ')}" -- "$cur")); return ;;
  esac
  if [[ $cur == -* ]]; then
    case "$cmd" in
${optionLists.join('\n')}
    esac
  fi
}
complete -F _sheetpipe sheetpipe
`;
}

/** zsh's _arguments spec text: brackets, colons and backslashes are its syntax. */
function zshText(text: string): string {
  return text.replace(/[\\[\]:]/g, (c) => `\\${c}`).replace(/'/g, `'\\''`);
}

function zshSpec(def: OptionDef): string[] {
  const help = zshText(short(def.help));
  const long = flagOf(def);
  const letter = def.short ? `-${def.short}` : undefined;
  const exclusive = letter ? `(${letter} ${long})` : '';
  if (isFlag(def)) {
    if (def.negatable) {
      const both = `(${long} --no-${def.name})`;
      return [`'${both}${long}[${help}]'`, `'${both}--no-${def.name}[turn ${long} off]'`];
    }
    return letter ? [`'${exclusive}'{${letter},${long}}'[${help}]'`] : [`'${long}[${help}]'`];
  }
  const choices = choicesOf(def);
  const action = def.completeFiles ? '_files' : choices ? `(${choices.join(' ')})` : ' ';
  const value = `:${zshText(def.placeholder ?? 'value')}:${action}`;
  if (def.arity === 'list') return [`'*${long}=[${help}]${value}'`];
  return letter ? [`'${exclusive}'{${letter}+,${long}=}'[${help}]${value}'`] : [`'${long}=[${help}]${value}'`];
}

function zsh(): string {
  const describe = COMMAND_WORDS.map(
    (w) => `    '${w}:${zshText(w === 'help' ? 'help on a command' : COMMANDS[w as CommandName].summary)}'`,
  ).join('\n');
  const cases = COMMAND_NAMES.filter((c) => c !== 'completion')
    .map(
      (c) =>
        `    ${c})\n      _arguments -s -S \\\n        ${optionsFor(c).flatMap(zshSpec).join(' \\\n        ')} \\\n        '*:argument: ' ;;`,
    )
    .join('\n');
  return `#compdef sheetpipe
# sheetpipe completion for zsh. Install: put it in a folder of $fpath as _sheetpipe, e.g.
#   sheetpipe completion zsh > "\${fpath[1]}/_sheetpipe"   (then start a new shell)
_sheetpipe() {
  local -a commands
  commands=(
${describe}
  )
  local cmd=export
  case $words[2] in
    ${COMMAND_WORDS.join('|')}) cmd=$words[2] ;;
  esac
  if (( CURRENT == 2 )) && [[ $PREFIX != -* ]]; then
    _describe -t commands 'sheetpipe command' commands
    return
  fi
  if [[ $cmd == $words[2] ]]; then
    shift words
    (( CURRENT-- ))
  fi
  case $cmd in
    completion) _values 'shell' ${SHELLS.join(' ')} ;;
    help) _describe -t commands 'command' commands ;;
${cases}
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _sheetpipe "$@"
else
  compdef _sheetpipe sheetpipe
fi
`;
}

function fishText(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fish(): string {
  const others = (command: CommandName) => COMMAND_WORDS.filter((w) => w !== command && w !== 'export');
  const when = (command: CommandName) =>
    command === 'export' ? `"not __fish_seen_subcommand_from ${others('export').join(' ')}"` : `"__fish_seen_subcommand_from ${command}"`;
  const lines = [
    '# sheetpipe completion for fish. Install:',
    '#   sheetpipe completion fish > ~/.config/fish/completions/sheetpipe.fish',
    'complete -c sheetpipe -f',
    ...COMMAND_WORDS.map(
      (w) =>
        `complete -c sheetpipe -n __fish_use_subcommand -a ${w} -d ${fishText(w === 'help' ? 'help on a command' : COMMANDS[w as CommandName].summary)}`,
    ),
    `complete -c sheetpipe -n "__fish_seen_subcommand_from completion" -a ${fishText(SHELLS.join(' '))}`,
    `complete -c sheetpipe -n "__fish_seen_subcommand_from help" -a ${fishText(COMMAND_NAMES.join(' '))}`,
  ];
  for (const command of COMMAND_NAMES) {
    for (const def of optionsFor(command)) {
      const names = [`-l ${def.name}`, ...(def.short ? [`-s ${def.short}`] : [])].join(' ');
      const choices = choicesOf(def);
      const value = isFlag(def) ? '' : def.completeFiles ? ' -r -F' : choices ? ` -x -a ${fishText(choices.join(' '))}` : ' -x';
      lines.push(`complete -c sheetpipe -n ${when(command)} ${names}${value} -d ${fishText(short(def.help))}`);
      if (def.negatable)
        lines.push(`complete -c sheetpipe -n ${when(command)} -l no-${def.name} -d ${fishText(`turn ${flagOf(def)} off`)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: Shell): string {
  return shell === 'bash' ? bash() : shell === 'zsh' ? zsh() : fish();
}
