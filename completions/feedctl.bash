# bash completion for feedctl (feedd's command-line client).
# Install: copy to /usr/share/bash-completion/completions/feedctl, or `source` it.
# The verb list is checked against feedctl's verb table by tests/feedctl/verbs_test.cc.

_feedctl() {
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion || return
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
        prev="${COMP_WORDS[COMP_CWORD-1]}"
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local verbs="status hosts add ls show rm tag untag set refresh entries entry search follow outputs backup import export parse sanitize"
    local global="--socket --json --help --version"

    case "$prev" in
        --socket|--base-url|-o|--output)
            COMPREPLY=($(compgen -f -- "$cur"))
            return;;
        --title|--tag|--since|--limit|--interval|--tags|--after|--feed)
            return;;
    esac

    local verb="" i
    for ((i = 1; i < cword; i++)); do
        case "${words[i]}" in
            --socket) ((i++));;
            -*) ;;
            *) verb="${words[i]}"; break;;
        esac
    done

    if [[ -z "$verb" ]]; then
        COMPREPLY=($(compgen -W "$verbs $global" -- "$cur"))
        return
    fi

    local opts="--json --socket --help"
    case "$verb" in
        add) opts+=" --tag --title";;
        set) opts+=" --title --interval --tags";;
        refresh) opts+=" --wait";;
        entries) opts+=" --feed --tag --since --limit";;
        search) opts+=" --limit";;
        follow) opts+=" --after";;
        export) opts+=" -o --output";;
        parse) opts="--json --base-url --help";;
        sanitize) opts="--base-url --help";;
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    case "$verb" in
        import|backup|parse)
            COMPREPLY=($(compgen -f -- "$cur"));;
        show|rm|tag|untag|set|refresh)
            # Feed ids from the running daemon, when one answers quickly.
            local ids
            ids=$(feedctl ls --json 2>/dev/null | sed -n 's/^    "id": \([0-9]*\),$/\1/p')
            COMPREPLY=($(compgen -W "$ids" -- "$cur"));;
    esac
}

complete -F _feedctl feedctl
