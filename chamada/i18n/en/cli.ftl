# Command lines: --help and the errors of a bad command line, for every
# program (chamada::i18n::cli). The help of one program's own options is in
# that program's file: teacher-arg-key in clients.ftl, and so on.

# The heading of the usage line at the top of --help.
cli-usage = Usage:
cli-options = Options
cli-arguments = Arguments
cli-commands = Commands
cli-command = COMMAND
cli-help = Print help
cli-version = Print version
cli-default = [default: { $value }]
cli-env = [env: { $name }]

# Options several programs share.
cli-arg-lang = The language of the messages, en or pt-BR, instead of the one LC_ALL, LC_MESSAGES or LANG gives
cli-arg-server = The server's address: a host name or IP address, with or without a port (5050 when none is given). IPv6 as ::1, [::1] or [::1]:5050.
cli-arg-raw = Print the protocol's response lines exactly as the server sent them.

# A bad command line. $arg is an option as clap writes it, e.g.
# --server <HOST:PORT>.
cli-error = error: { $message }
cli-try-help = For more information, try '--help'.
cli-error-invalid-value = invalid value '{ $value }' for '{ $arg }': { $reason }
cli-error-not-one-of = invalid value '{ $value }' for '{ $arg }': the possible values are { $valid }
cli-error-unknown = unexpected argument '{ $arg }'
cli-error-unknown-command = unrecognized command '{ $name }'
cli-error-missing = a required argument was not given: { $arg }
cli-error-conflict = '{ $arg }' cannot be used with the other arguments given

# Placeholders for the values of options and arguments, as --help shows
# them: --server <HOST:PORT>, <CLASS>.
cli-value-host-port = HOST:PORT
cli-value-class = CLASS
cli-value-student = STUDENT
cli-value-file = FILE
cli-value-key = KEY
cli-value-lang = LANG

# Options every server has (chamada::ServerArgs), for a server's --help
# once it parses its command line with chamada::i18n::cli::parse.
cli-arg-bind = The address to listen on: 127.0.0.1:5050 takes connections from this machine only, 0.0.0.0:5050 from the whole lab network, port 0 lets the system pick a free port.
cli-arg-max_students = The most students one roll call records; one more gets ERROR full.
cli-arg-max_classes = The most roll calls open at once; one more START gets ERROR full.
cli-value-addr = ADDR
