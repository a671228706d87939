package dev.procdeck.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Prints the shell completion script: picocli's, generated from the same command model as the parser (so
 * every subcommand and option completes), plus a hook that completes process type and instance names from
 * the Procfile of the folder being completed in, by asking {@code procdeck complete-names}.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Prints the shell completion script for bash or zsh.", "Load it with",
            "  source <(procdeck completion bash)     (in ~/.bashrc)",
            "  source <(procdeck completion zsh)      (in ~/.zshrc; uses zsh's bashcompinit)"})
public final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh")
    Shell shell;

    @Override
    public Integer call() {
        java.io.PrintWriter out = spec.commandLine().getOut();
        out.print(script(spec.root().commandLine()));
        out.flush();
        return out.checkError() ? 1 : 0;
    }

    /**
     * The script for both shells: picocli's script already switches zsh to its bash emulation (bashcompinit)
     * when sourced there, so one text serves both.
     */
    static String script(CommandLine root) {
        return AutoComplete.bash(root.getCommandName(), root) + "\n" + namesHook(root.getCommandSpec());
    }

    /** What names a positional parameter takes, from its label: TYPE, INSTANCE, or COMMAND (run's). */
    static String nameKind(PositionalParamSpec positional) {
        String label = positional.paramLabel();
        if (label.contains("INSTANCE")) {
            return "instances";
        }
        return label.contains("TYPE") || label.startsWith("COMMAND") ? "types" : null;
    }

    /**
     * Bash functions that add type or instance names to picocli's suggestions wherever a subcommand takes them,
     * generated from the subcommands' positional labels, so a verb added later with a TYPE or INSTANCE
     * parameter completes names without touching this code.
     */
    static String namesHook(CommandSpec root) {
        String name = root.name();
        StringBuilder kinds = new StringBuilder();
        StringBuilder valued = new StringBuilder();
        List<String> commandVerbs = new ArrayList<>();
        for (Map.Entry<String, CommandLine> sub : root.subcommands().entrySet()) {
            CommandSpec cmd = sub.getValue().getCommandSpec();
            // help's COMMAND names a subcommand, which picocli's part of the script completes already.
            if (cmd.usageMessage().hidden() || sub.getValue().getCommand() instanceof CommandLine.HelpCommand) {
                continue;
            }
            String verb = sub.getKey();
            for (PositionalParamSpec p : cmd.positionalParameters()) {
                String kind = nameKind(p);
                if (kind == null) {
                    continue;
                }
                boolean command = p.paramLabel().startsWith("COMMAND");
                if (command) {
                    commandVerbs.add(verb);
                }
                int min = p.index().min();
                // run's COMMAND: only its first word can be a process type; later words are the command's own.
                int max = command ? min : p.index().max();
                kinds.append("    '").append(verb).append("') (( $2 >= ").append(min)
                        .append(max == Integer.MAX_VALUE ? "" : " && $2 <= " + max).append(" )) && echo ")
                        .append(kind).append(" && return ;;\n");
            }
            for (OptionSpec o : cmd.options()) {
                if (o.arity().max() > 0) {
                    for (String optionName : o.names()) {
                        valued.append(valued.length() == 0 ? "    " : "|").append("'").append(verb).append(' ')
                                .append(optionName).append("'");
                    }
                }
            }
        }
        String fn = "_" + name.replaceAll("[^A-Za-z0-9_]", "_");
        return String.join("\n",
                "# Process type and instance names for " + name + "'s TYPE arguments, from the Procfile of the folder",
                "# given with -d/-f (or the current one), as `" + name + " complete-names` lists them.",
                "function " + fn + "_name_kind() {",
                "  case \"$1\" in",
                kinds + "  esac",
                "}",
                "function " + fn + "_takes_value() {",
                "  case \"$1 $2\" in",
                (valued.length() == 0 ? "    '')" : valued.toString() + ")") + " return 0 ;;",
                "  esac",
                "  return 1",
                "}",
                "function " + fn + "_complete() {",
                "  _complete_" + name.replaceAll("[^A-Za-z0-9_]", "_") + " \"$@\"",
                "  local curr_word=${COMP_WORDS[COMP_CWORD]}",
                "  [[ \"$curr_word\" == -* ]] && return 0",
                "  local verb=\"\" verb_at=0 i word",
                "  for ((i = 1; i < COMP_CWORD; i++)); do",
                "    word=${COMP_WORDS[i]}",
                "    [[ \"$word\" == -* ]] && continue",
                "    verb=$word; verb_at=$i; break",
                "  done",
                "  [ -n \"$verb\" ] || return 0",
                "  local index=0 value_of=\"\" dir=\"\" procfile=\"\"",
                "  for ((i = verb_at + 1; i < COMP_CWORD; i++)); do",
                "    word=${COMP_WORDS[i]}",
                "    if [ -n \"$value_of\" ]; then",
                "      case \"$value_of\" in -d|--root) dir=$word ;; -f|--procfile) procfile=$word ;; esac",
                "      value_of=\"\"; continue",
                "    fi",
                "    case \"$word\" in",
                "      --root=*) dir=${word#--root=} ;;",
                "      --procfile=*) procfile=${word#--procfile=} ;;",
                "      -*) " + fn + "_takes_value \"$verb\" \"$word\" && value_of=$word ;;",
                "      *) index=$((index + 1)) ;;",
                "    esac",
                "  done",
                "  [ -n \"$value_of\" ] && return 0 # completing an option's value: picocli's suggestions stand",
                commandVerbs.isEmpty() ? "" : "  case \"$verb\" in " + String.join("|", commandVerbs)
                        + ") type compopt &>/dev/null && compopt -o default ;; esac # program names, files",
                "  local kind",
                "  kind=$(" + fn + "_name_kind \"$verb\" \"$index\")",
                "  [ -n \"$kind\" ] || return 0",
                "  dir=${dir/#\\~/$HOME}; procfile=${procfile/#\\~/$HOME}",
                "  local names",
                "  names=$(\"${COMP_WORDS[0]/#\\~/$HOME}\" complete-names \"$kind\" ${dir:+-d \"$dir\"}"
                        + " ${procfile:+-f \"$procfile\"} 2>/dev/null </dev/null)",
                "  local IFS=$'\\n'",
                "  COMPREPLY+=( $(compgen -W \"$names\" -- \"$curr_word\") )",
                "}",
                "complete -F " + fn + "_complete -o default " + name + " " + name + ".sh " + name + ".bash",
                "");
    }
}
