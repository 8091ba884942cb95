# check, the grader (check/): its report, each check's name and failure
# reasons, its errors, and --teams' summary. What stays the same in every
# language: the protocol lines a check sent, expected or got (START 42,
# ERROR full ...), and the keys and category names of --json and
# grades.csv, which scripts read.

## --help

check-about = Grades a roll-call server (any language) against PROTOCOL.md: checks in six categories, with points, and for each failure what was sent, what was expected, what came back, and which chapter of the book explains it. Exit status: 0 when every check passes, 1 when some fail, 2 when the server cannot be reached or the command line is wrong
check-arg-server = The server to check, e.g. 127.0.0.1:5050
check-arg-one_at_a_time = The server serves one client at a time, like lesson 01: the concurrency checks then expect a second client to wait for the first
check-arg-json = Print the report as JSON, for scripts
check-arg-teacher_key = The server has a teacher key: read it from the environment variable CHAMADA_TEACHER_KEY (never from the command line, where anyone on the machine could see it). It is never printed. With --teams, every team's server is started with that key in its CHAMADA_TEACHER_KEY
check-arg-timeout = How long to wait for any response before calling the server hung
check-arg-repeat = Run every check N times; a check passes only if it passes every time, and the report says in how many runs each failure showed
check-arg-teams = Grade a class: FILE has one team per line, `NAME COMMAND...`. check runs each COMMAND (with `{"{"}port{"}"}` replaced by a free port on 127.0.0.1) through `sh -c` in a fresh temporary folder, grades the server it starts there, and stops it. Unix only
check-arg-out = With --teams: the folder for grades.csv, TEAM.json and TEAM.log (each team's server output)
check-arg-start_within = With --teams: how long a team's server has to start listening
check-arg-time_limit = With --teams: the most a team's server may run, grading included; then its whole process group is killed
cli-value-seconds = SECONDS
cli-value-n = N
cli-value-dir = DIR

## Errors before any check runs

# An option's value that is not a whole number ($rust: Rust's own words,
# which English shows), or out of its range (in clap's words).
check-error-number = { $kind ->
       *[other] { $rust }
    }
check-error-out-of-range = { $number } is not in { $low }..={ $high }

check-error-key-not-set = --teacher-key reads the key from the environment variable CHAMADA_TEACHER_KEY, which is not set
check-error-key-invalid = CHAMADA_TEACHER_KEY: a teacher key is 1 to 64 printable ASCII characters without spaces
check-error-not-host-port = { $server } is not HOST:PORT ({ $error })
check-error-no-address = { $server } has no address
check-error-cannot-connect = cannot connect to { $addr }: { $error }; is the server running?
check-error-cannot-read = cannot read { $path }: { $error }
check-error-cannot-create = cannot create { $path }: { $error }
check-error-cannot-write = cannot write { $path }: { $error }

## The report

check-report-header = check { $server }
check-report-header-one-at-a-time = check { $server } (graded as a server that serves one client at a time)
# The marks before each check, padded to the longer of the two.
check-report-ok = ok
check-report-fail = FAIL
# The labels of a failure's lines, padded to the longest.
check-report-sent = sent
check-report-expected = expected
check-report-got = got
check-report-read = read
check-report-chapter = "{ $title }" ({ $file })
check-report-chapter-section = "{ $title }", section "{ $section }" ({ $file })
check-report-failed-runs = failed in { $failed } of { $runs } runs; the first time:
check-failed-in-runs = { $name } (failed in { $failed } of { $runs } runs)
# $categories: "framing 13/13, order 6/6, ..."; $seconds: 3.2
check-report-score = score: { $score }/{ $max } ({ $categories }); { $passed ->
        [yes] every check passed
       *[no] some checks failed
    } in { $seconds } s
check-report-score-repeated = score: { $score }/{ $max } ({ $categories }); { $passed ->
        [yes] every check passed
       *[no] some checks failed
    } (every check run { $runs } times) in { $seconds } s

check-category-requests = requests and responses
check-category-bad-input = bad input and limits
check-category-framing = framing
check-category-concurrency = concurrency
check-category-order = order
check-category-times = times

## Where to read: the chapter that teaches a check's rule, in the book of
## the reader's language.

check-chapter-protocol = The protocol
check-file-protocol = book/src/protocol.md
check-chapter-protocol-md = PROTOCOL.md
check-file-protocol-md = PROTOCOL.md
check-chapter-framing = Framing
check-file-framing = book/src/framing.md
check-chapter-lesson-01 = Lesson 01: blocking
check-file-lesson-01 = book/src/lesson-01.md
check-chapter-lesson-02 = Lesson 02: threads
check-file-lesson-02 = book/src/lesson-02.md
check-section-who-says-what = Who says what
check-section-errors = Errors
check-section-state-itself = The state itself
check-section-second-client-waits = A second client waits
check-section-lock-never-across-io = Why the lock is never held across I/O
check-section-check-and-act = Check and act under one lock
# Sections of PROTOCOL.md.
check-section-for-implementers = For implementers
check-section-transport-and-framing = Transport and framing

## The checks, by category

check-name-help = HELP gets a HELP line
check-name-start = START opens a roll call: STARTED <class> <time>
check-name-present = PRESENT in an open roll call: PRESENCE <class> <time>
check-name-present-refused = PRESENT in a class with no open roll call: PRESENCE 0 <time>
check-name-status-keeps-open = STATUS lists who answered and leaves the roll call open
check-name-end-closes = END lists who answered, closes the roll call and forgets it
check-name-repeated-answer = a repeated answer is recorded once, with its first time
check-name-start-twice = START of an open class: ERROR already-open, the list kept
check-name-start-again = a START after END begins an empty list
check-name-lenient-syntax = verbs in any case, spaces and tabs between words, leading zeros
check-name-auth = AUTH gets AUTHORIZED
check-name-quit = QUIT gets BYE, then the server hangs up
check-name-unknown = an unknown request: ERROR bad-request, and the connection stays open
check-name-arguments = the wrong number of arguments: ERROR bad-request
check-name-bad-classes = a class that is not 1 to 4294967295: ERROR bad-request
check-name-bad-students = a student id that is not 1 to 32 letters or digits: ERROR bad-request
check-name-not-utf8 = a line that is not UTF-8: ERROR bad-request, and the connection stays open
check-name-bad-keys = an AUTH key that is not 1 to 64 printable ASCII characters: ERROR bad-request
check-name-other-white-space = only spaces and tabs separate words: other white space is part of a word
check-name-ascii-case-only = verbs ignore the case of ASCII letters only: "ſtart" and "quıt" are no verbs
check-name-key = the teacher key: needed for START, and a wrong one refused
check-name-class-full = a full class: ERROR full for a new student, PRESENCE for one already listed
check-name-server-full = a full server: ERROR full for a START, and room again after an END
check-name-split = a request split over several writes is read whole
check-name-pipelined = several requests in one write are answered one by one, in order
check-name-crlf = lines ending in CR LF (telnet, Windows) work
check-name-blank-lines = blank lines get no response
check-name-longest-line = a line of 256 bytes, the longest allowed, is answered
check-name-too-long = a line of 257 bytes: ERROR line-too-long, then the server hangs up
check-name-limit-counts-crlf = the 256 bytes count the line ending, CR and LF both
check-name-endless = 8 KiB without a newline: ERROR line-too-long without waiting for the end
check-name-vanished = a client that closes mid-line: its half request is not a request
check-name-second-client-waits = a second client waits while the first is connected, and is served once it leaves
check-name-silent-clients = two silent clients (one sent nothing, one half a line) do not hold up a third
check-name-two-teachers = two teachers' classes stay apart
check-name-answers-during-end = students answer while the teacher ends the roll call: every PRESENCE <class> is listed, no PRESENCE 0 is
check-name-start-start = two teachers START one class at the same moment: one STARTED, one ERROR already-open
check-name-end-end = two teachers END one class at the same moment: one ENDED, one ERROR not-open
check-name-present-end = a PRESENT at the same moment as the END: PRESENCE <class> only for a student ENDED lists
check-name-status-present = a STATUS at the same moment as a PRESENT: the list so far, maybe with the new student
check-name-stalled-then-gone = a client that asks for long responses and never reads them: the next client is served once it leaves
check-name-stalled-reader = a client that asks for long responses and never reads them holds up only itself
check-name-status-order = STATUS lists students in answer order
check-name-ended-order = ENDED lists students in answer order
check-name-across-clients = answers from several clients are listed in the order they were recorded
check-name-with-offset = times are RFC 3339 with a UTC offset: 2026-11-24T10:15:03-03:00
check-name-whole-seconds = times are whole seconds
check-name-status-time = STATUS gives the time the roll call started

## What a failure shows. "sent" lines describe what check sent; "expected"
## what PROTOCOL.md asks for; "got" what came back. Protocol lines in them
## stay as they are in every language.

# A connection's name in the log, before what it sent: "teacher 1> START 7".
check-who-teacher = teacher
check-who-teacher-1 = teacher 1
check-who-teacher-2 = teacher 2
check-who-student = student
check-who-student-1 = student 1
check-who-student-2 = student 2
check-who-silent-client = silent client
check-who-half-line-client = half-line client
check-who-third-client = third client
check-who-first-client = first client
check-who-second-client = second client
check-who-vanishing-client = vanishing client
check-who-another-client = another client
check-who-stalled-client = stalled client
check-who-another-teacher = another teacher
check-who-client = client { $n }
check-who-helper = helper { $n }

check-log-skipped = ({ $count } earlier lines not shown)
check-sent-auth-key = AUTH <the key in CHAMADA_TEACHER_KEY>
check-sent-until-stuck = { $request }, again and again, reading nothing, until the server stops taking them
check-sent-not-utf8 = START \xff\xfe (bytes that are not UTF-8)
check-char-form-feed = form feed
check-char-vertical-tab = vertical tab
check-char-unit-separator = unit separator
check-char-no-break-space = no-break space
check-sent-form-feed-alone = \f (a form feed alone)
check-sent-split = PRESENT ana { $class }, in 4 writes 30 ms apart: "PRE" "SENT a" "na " "{ $class }\n"
check-sent-one-write = { $requests } (all in one write)
check-sent-blank-lines = \n\r\n   \n\t\nHELP\n (four blank lines, then HELP, in one write)
# $ending is \n or \r\n.
check-sent-padded = HELP, { $spaces } spaces, { $ending } ({ $bytes } bytes)
check-sent-endless = PRESENT aaaa... (8 KiB, no newline)
check-sent-half-then-close = { $request } (no newline; then it closes its side)
check-sent-half-then-silence = PRESENT ana (no newline; then silence)
check-sent-fill-class = PRESENT f<n> { $class } for n = { $first }, { $second }, { $third }, ... (new students, one at a time, until ERROR full)
check-sent-fill-server = START <class> for new classes, one at a time, until ERROR full
check-sent-end-all = END <class> for the { $count } classes it opened
check-sent-big-class = PRESENT long<n> { $class } for { $count } students with 32-character ids, one at a time
# $how is in-turn or at-once.
check-sent-students-answer = { $clients } clients, { $how ->
        [in-turn] one client at a time
       *[at-once] at once
    }, each PRESENT c<client>s<n> { $class } for { $each } students, one request at a time ({ $all } students in all)
check-sent-status-after-quarter = STATUS { $class }, after about a quarter of the answers
check-sent-end-after-half = END { $class }, after about half

check-expect-any = a response
check-expect-a-connection = a connection
check-expect-max-open = at most { $count } connections open at once
check-expect-connects = { $who } connects to { $addr }
check-expect-takes-request = the server takes the request
check-expect-closes-sending = the connection closes its sending side
check-expect-help-list = HELP <the list of requests>
check-expect-same-line = the same line again: { $line }
check-expect-authorized-any = AUTHORIZED (a server without a teacher key accepts any)
check-expect-closed-after-bye = the server closes the connection after BYE
check-expect-still-open = HELP ... (the connection is still open)
check-expect-key-too-long = ERROR bad-request ... (65 characters: a key has at most 64)
check-expect-key-not-ascii = ERROR bad-request ... (é is not ASCII)
check-expect-bad-request-because = ERROR bad-request ... ({ $why })
check-why-separators = only a space or a tab separates words
check-why-not-blank = a line with anything but spaces and tabs is not blank
check-why-ascii-fold = only the ASCII letters a-z fold to A-Z
# "1st: STARTED 7 <time>": the response expected in that place.
check-expect-nth = { $n ->
        [1] 1st
        [2] 2nd
        [3] 3rd
       *[other] { $n }th
    }: { $response }
check-expect-help-only = HELP ... (the only response)
check-expect-bye-no-blank = BYE (no response to a blank line in between)
check-expect-help-256-crlf = HELP ... (256 bytes with the CR and LF: the longest allowed)
check-expect-too-long-257-crlf = ERROR line-too-long ... (257 bytes with the CR and LF)
check-expect-closed-after-too-long = the server closes the connection after line-too-long
check-expect-closed-no-response = the server closes the connection, without a response: a line that never ended is no request
check-expect-half-no-request = ERROR not-open ... (the half line was no request)
check-expect-presence-or-full = PRESENCE { $class } <time>, or ERROR full once the class is full
check-expect-class-full = ERROR full for a new student once the class lists as many as the server records (PROTOCOL.md: at most { $most }, unless the server was started with --max-students)
check-expect-still-full = ERROR full ... (a new student, and the class is still full)
check-expect-listed-kept = PRESENCE { $class } <time> (f0 is listed already, so a full class keeps them)
check-expect-ended-full = ENDED { $class } <time> { $count } f0 f1 ... (every student told PRESENCE { $class })
check-expect-server-full = ERROR full for a START once the server has as many roll calls open as it may (PROTOCOL.md: at most { $most }, unless the server was started with --max-classes)
check-expect-started-or-full = STARTED <class> <time>, or ERROR full once the server is full
check-expect-first-started = STARTED for at least the first START (no class of check's was open)
check-expect-room-after-end = STARTED { $class } <time> (an END made room for one)
check-expect-started-at-once = STARTED { $class } <time> (at once: the others' silence is theirs alone)
check-expect-second-waits = no answer to the second client while the first is connected
check-expect-first-still-served = HELP ... (the first client is still served)
check-expect-once-first-left = HELP ... (once the first client has left)
check-expect-any-order = { $response } (in any order)
check-expect-left-alone = { $response } (in any order; ending { $ended } left { $other } alone)
check-expect-presence-or-zero = PRESENCE { $class } <time>, or PRESENCE 0 <time> once it has ended
# $name is STATUS or ENDED.
check-expect-lists-once = { $name } lists each student once
check-expect-lists-only-answered = { $name } lists only students who answered
check-expect-no-zero-listed = nobody told PRESENCE 0 is listed by { $name }
check-expect-ended-lists-all = ENDED lists every student who was told PRESENCE { $class } <time>
check-expect-status-lists-earlier = STATUS lists every student told PRESENCE { $class } before it was asked
check-expect-start-race = one STARTED { $class } <time> and one ERROR already-open: a class is opened once
check-expect-ended-opened-once = ENDED { $class } <time> 0 (it was opened once)
check-expect-end-race = one ENDED { $class } <time> 0 and one ERROR not-open: a roll call ends once
check-expect-present-end-race = either PRESENCE { $class } <time> and ENDED { $class } <time> 1 { $id }, or PRESENCE 0 <time> and ENDED { $class } <time> 0: a student told PRESENCE is on the list
check-expect-status-present-race = PRESENCE { $class } <time>, and STATUS { $class } <time> { $so_far }, with or without { $id } (in any order)
check-expect-stalled-alone = (at once: the stalled client holds up only itself)
check-expect-offset = every time in RFC 3339 with its UTC offset, e.g. 2026-11-24T10:15:03-03:00
check-expect-whole-seconds = every time in whole seconds, e.g. 10:15:03, not 10:15:03.250
check-expect-status-time = STATUS { $class } { $time } ... (the time from STARTED)

check-got-closed = the server closed the connection
check-got-silent = nothing within { $seconds } s: the server is hanging (still waiting for something?)
check-got-line-too-long = a line longer than { $bytes } bytes
check-got-half-line = half a line, then the server hung up: { $half }
check-got-not-a-response = (not a response: { $why })
check-got-cannot-connect = cannot connect: { $error }
check-got-sending-failed = sending failed: { $error }
check-got-too-many-open = check tried to open more (a bug in check)
check-got-panicked = a thread of check panicked (a bug in check)
check-got-another-time = (another time: the first one stands)
check-got-never-full-class = { $count } students in one class were all told PRESENCE { $class } <time>
check-got-never-full-server = { $count } roll calls open at once, all STARTED
check-got-hint-one-at-a-time = (a server that serves one client at a time by design, like lesson 01, is graded with --one-at-a-time)
check-got-hint-at-once = (this server serves clients at once: grade it without --one-at-a-time)
check-got-told-counts = ({ $recorded } students were told PRESENCE { $class } <time>, { $refused } PRESENCE 0 <time>)
check-got-lists-twice = { $name } lists { $id } twice
check-got-lists-never-answered = { $name } lists { $id }, who never answered
check-got-zero-listed = { $id } was told PRESENCE 0, but { $name } lists them
check-got-ended-lost = { $id } was told PRESENCE { $class } <time>, but ENDED does not list them ({ $count } such students lost)
check-got-status-missed = { $id } was told PRESENCE { $class } before the STATUS, but STATUS does not list them
check-got-round = (round { $round } of { $of })
check-time-no-offset = no UTC offset: RFC 3339 needs `+00:00` or `Z` (or the local offset, such as `-03:00`) after the time; in Python, datetime.now().astimezone() has one
check-time-not-rfc3339 = { $time } is not an RFC 3339 time, which is written 2026-11-24T10:15:03-03:00
check-time-fraction = fractional seconds: PROTOCOL.md asks for whole seconds; in Python, isoformat(timespec="seconds")

## --teams

check-teams-at-line = line { $line }: { $why }
check-teams-no-command = a team is `NAME COMMAND...`, and this line has no command
check-teams-bad-name = { $name } cannot be a team's name: use letters, digits, - _ and . (it names the team's files)
check-teams-twice = team { $name } is listed twice
check-teams-none = the teams file lists no team
check-teams-grading = grading { $team } ...
check-teams-grades-in = grades in { $path }
check-teams-column-team = team
check-teams-column-score = score
check-teams-column-result = result
check-teams-all-passed = every check passed
check-teams-some-failed = { $count ->
        [one] { $count } check failed
       *[other] { $count } checks failed
    }
check-teams-error = error: { $error }
check-teams-note = note: { $note }
check-teams-no-temp-folder = cannot make a temporary folder: { $error }
check-teams-no-free-port = cannot find a free port: { $error }
check-teams-cannot-run = cannot run sh -c { $command }: { $error }
check-teams-first-line = its first line was { $first }, not { $wanted } (PROTOCOL.md, Starting a server)
check-teams-no-first-line = it listened, but printed no whole line within { $seconds } s; PROTOCOL.md asks for { $wanted } first, flushed
check-teams-ended-early = the command ended ({ $status }) without listening on { $addr }; see its .log
check-teams-never-listened = nothing listened on { $addr } within { $seconds } s (does the command use {"{"}port{"}"}?); see its .log
check-teams-exit-code = exit status: { $code }
check-teams-unix-only = --teams needs sh and process groups: run it on Linux or macOS (or in WSL)

## System errors

# $kind names the usual ones (refused, reset, timed-out, broken-pipe,
# not-found, permission, address-not-available, invalid-input, other);
# $os is the system's own text, which English shows as it is.
check-io-error = { $kind ->
       *[other] { $os }
    }
# After a report with failures, when check-file-* lead to pages of a built
# edition (book/book/...), not to book/src as in English: how to get them.
check-report-book-hint = The chapters under "read" are pages of the book: build it with `bash book/build.sh` (into book/book/) or read it with `bash book/serve.sh`, on http://localhost:3000.
