//! # Transcripts: what the people in a session typed and saw
//!
//! A [`Transcript`] drives a real server process with several participants
//! acting in a fixed order: teachers and students running the real `teacher`
//! and `student` binaries, and raw sockets typing protocol lines as `nc`
//! would. It records what each of them typed and saw, and what the server
//! logged, as text meant for people: the book includes these transcripts,
//! and `tests/transcripts.rs` snapshot-tests them with insta, so a change
//! in behaviour shows up as a readable diff.
//!
//! ```text
//! teacher $ teacher start 42
//! Roll call of class 42 opened at 2026-11-24 10:15:00.
//!
//! ana $ nc 127.0.0.1 5050
//! > PRESENT 042191010 42
//! < PRESENCE 42 2026-11-24T10:15:03-03:00
//! ```
//!
//! Everything that varies from run to run is normalised, so that a
//! transcript is the same text every time: the server's port reads 5050 (the
//! default, so command lines are shown without the `--server` option the
//! harness adds), and each client's ephemeral port in the server's log
//! becomes 50001, 50002, ... in order of first appearance. Times need no
//! normalising: test servers run on a scripted clock.
//!
//! The order of events is made certain by waiting, never by sleeping: each
//! step waits until the server has logged every connection that step opened
//! or closed before the next step begins.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::Duration;

use crossbeam_channel::{bounded, Receiver};

use crate::{run_client, run_client_in_with, run_client_with, Raw, Run, Server};

/// How long [`Transcript::still_waiting`] watches a background command that
/// should not finish. A command that was answered would finish in a few
/// milliseconds, so this catches it; on a very slow machine the check might
/// miss a wrong answer, but it can never fail a correct server.
const QUIET: Duration = Duration::from_millis(300);

/// The port every transcript shows for the server: the protocol's default.
const SHOWN_SERVER_PORT: u16 = 5050;

/// The port shown for the first client in the server's log; the next client
/// gets the next number.
const FIRST_CLIENT_PORT: u32 = 50001;

/// A sent line longer than this is shown shortened, with its length.
const LONGEST_SHOWN_LINE: usize = 72;

/// Notes are wrapped to this width, to read well in a book.
const NOTE_WIDTH: usize = 76;

/// A session being recorded. Build it step by step, then call
/// [`Transcript::finish`] to get the text.
pub struct Transcript {
    /// The server, until it exits (see [`Transcript::server_exits`]).
    server: Option<Server>,
    /// Where the server listens (its real port, before normalising).
    addr: SocketAddr,
    /// Everything the server printed, once it has exited.
    final_log: Vec<String>,
    /// The rendered blocks so far; they are joined by blank lines.
    blocks: Vec<String>,
    /// How many of the server's log lines have been shown or passed over.
    log_shown: usize,
    /// The raw connections, by participant name.
    sockets: HashMap<String, Raw>,
    /// Client commands running in the background, by participant name.
    background: HashMap<String, Background>,
    /// How many connections the steps so far have opened. Each step waits
    /// until the server's log agrees (see [`Transcript::settle`]).
    opened: usize,
    /// How many of them have been closed, by either side.
    closed: usize,
    /// The server's exit status, once it has exited, until it is shown.
    exit_to_show: Option<i32>,
    /// The folder the server and the clients run in, if not the test's.
    dir: Option<PathBuf>,
    /// The ports of servers before a restart: shown as 5050 too.
    earlier_ports: Vec<u16>,
    /// What servers before a restart printed.
    earlier_log: Vec<String>,
    /// The locale the clients run in: `LC_ALL`, English unless
    /// [`Transcript::in_locale`] says otherwise.
    locale: &'static str,
}

/// A client command started by [`Transcript::run_in_background`].
struct Background {
    /// Which client binary, for messages.
    client: String,
    /// The command line as shown.
    header: String,
    /// Delivers the finished run.
    done: Receiver<Run>,
}

impl Transcript {
    /// Starts recording a session with `server`. Nothing about how the
    /// server was started is shown: use this for scenarios that run against
    /// every lesson and must read the same for all of them.
    pub fn new(server: Server) -> Transcript {
        Transcript {
            addr: server.addr(),
            server: Some(server),
            final_log: Vec::new(),
            blocks: Vec::new(),
            log_shown: 0,
            sockets: HashMap::new(),
            background: HashMap::new(),
            opened: 0,
            closed: 0,
            exit_to_show: None,
            dir: None,
            earlier_ports: Vec::new(),
            earlier_log: Vec::new(),
            locale: crate::ENGLISH,
        }
    }

    /// Like [`Transcript::launch`], with the server and every client
    /// running in the folder `dir` (where a relative `--journal` or `--csv`
    /// path leads).
    pub fn launch_in(dir: &Path, lesson: &str, options: &[&str]) -> Transcript {
        let mut transcript = Transcript::new(Server::start_in(dir, lesson, options, &[]));
        transcript.dir = Some(dir.to_owned());
        transcript.block(format!("server $ {}", command_line(lesson, options)));
        transcript
    }

    /// `who` kills the server with SIGKILL, as `kill -9` does: a crash.
    /// No handler runs and the server says nothing more.
    pub fn kill(&mut self, who: &str) -> &mut Self {
        self.settle();
        let server = self.server.take().expect("the server is running");
        self.earlier_log = self.log_with(server.kill());
        self.earlier_ports.push(self.addr.port());
        self.block(format!("{who} $ kill -KILL <the server's pid>"));
        self.block("(the server is killed at once: it prints nothing more)".to_owned());
        self
    }

    /// Starts `lesson` again after [`Transcript::kill`], in the same folder,
    /// with `options` (shown) and `env` (not shown: a clock set later, say).
    pub fn restart(&mut self, lesson: &str, options: &[&str], env: &[(&str, &str)]) -> &mut Self {
        assert!(self.server.is_none(), "the server is still running");
        let dir = self.dir.clone().expect("launched in a folder");
        let server = Server::start_in(&dir, lesson, options, env);
        self.addr = server.addr();
        self.server = Some(server);
        self.block(format!("server $ {}", command_line(lesson, options)));
        self
    }

    /// `who` shows the file `path` (relative to the transcript's folder),
    /// as `cat` does.
    pub fn cat(&mut self, who: &str, path: &str) -> &mut Self {
        let dir = self.dir.clone().expect("launched in a folder");
        let text = std::fs::read_to_string(dir.join(path))
            .unwrap_or_else(|error| panic!("cannot read {path}: {error}"));
        self.block(format!("{who} $ cat {path}\n{}", text.trim_end()));
        self
    }

    /// Starts `lesson`'s server with `options` and begins the transcript with
    /// the command that starts it, e.g. `server $ lesson-03-final
    /// --max-connections 2`.
    pub fn launch(lesson: &str, options: &[&str]) -> Transcript {
        let mut transcript = Transcript::new(Server::start_with(lesson, options, &[]));
        let command = command_line(lesson, options);
        transcript.block(format!("server $ {command}"));
        transcript
    }

    /// Runs the clients from now on in `locale` (`LC_ALL`), e.g.
    /// [`crate::PORTUGUESE`]. Start the server in the same locale
    /// ([`Server::start_with`]) for its log to be in that language too.
    pub fn in_locale(&mut self, locale: &'static str) -> &mut Self {
        self.locale = locale;
        self
    }

    /// A narrator's line, shown as a `#` comment.
    pub fn note(&mut self, text: &str) -> &mut Self {
        self.block(wrap(text, "# ", NOTE_WIDTH));
        self
    }

    /// `who` runs `client` (`teacher` or `student`) with `args`, typing
    /// `input` (empty for a one-shot command; the lines of an interactive
    /// session otherwise, which the clients echo after their prompt).
    /// Shows the command line, everything it printed, and its exit status
    /// when that is not 0.
    pub fn run(&mut self, who: &str, client: &str, args: &[&str], input: &str) -> &mut Self {
        let env = [("LC_ALL", self.locale)];
        let run = match &self.dir {
            Some(dir) => run_client_in_with(dir, client, self.addr, args, input, &env),
            None => run_client_with(
                client,
                &["--server", &self.addr.to_string()],
                args,
                input,
                &env,
            ),
        };
        let header = format!("{who} $ {}", command_line(client, args));
        self.show_run(header, &run);
        self
    }

    /// `who` starts `client` with `args`, and the transcript goes on without
    /// waiting for it: for a command the server is not answering yet.
    /// Collect it later with [`Transcript::wait`].
    pub fn run_in_background(&mut self, who: &str, client: &str, args: &[&str]) -> &mut Self {
        let (sender, done) = bounded(1);
        let (name, addr) = (client.to_owned(), self.addr);
        let owned: Vec<String> = args.iter().map(|arg| arg.to_string()).collect();
        thread::spawn(move || {
            let args: Vec<&str> = owned.iter().map(String::as_str).collect();
            let _ = sender.send(run_client(&name, addr, &args, ""));
        });
        let header = format!("{who} $ {}", command_line(client, args));
        let background = Background {
            client: client.to_owned(),
            header: header.clone(),
            done,
        };
        self.background.insert(who.to_owned(), background);
        self.block(header);
        self
    }

    // ANCHOR: still_waiting
    /// Checks that `who`'s background command has not finished (it has had
    /// no answer), and says so.
    pub fn still_waiting(&mut self, who: &str) -> &mut Self {
        let background = self.background(who);
        if let Ok(run) = background.done.recv_timeout(QUIET) {
            panic!(
                "{who}'s {} was expected to be still waiting, but it finished: {run:?}",
                background.client
            );
        }
        let header = background.header.clone();
        let waiting = format!("({who}'s command is still waiting for an answer)");
        // Right after the command, the remark belongs under it.
        match self.blocks.last_mut() {
            Some(last) if *last == header => {
                last.push('\n');
                last.push_str(&waiting);
            }
            _ => self.block(waiting),
        }
        self
    }
    // ANCHOR_END: still_waiting

    /// Waits for `who`'s background command to finish, and shows what it
    /// printed.
    pub fn wait(&mut self, who: &str) -> &mut Self {
        let background = self.background.remove(who).unwrap_or_else(|| {
            panic!("{who} has no command running in the background");
        });
        let run = background
            .done
            .recv_timeout(crate::WAIT)
            .unwrap_or_else(|_| {
                panic!("{who}'s {} never finished", background.client);
            });
        self.show_run(format!("({who}'s command goes on)"), &run);
        self
    }

    /// `who`, connected with a raw socket like `nc`, sends each of `lines`
    /// and reads its response. The first use of `who` opens the connection.
    /// Each request is shown as `> line`, each response as `< line`; a blank
    /// line gets no response. After a response that closes the connection
    /// (`BYE`, or an error such as `line-too-long`), checks that the server
    /// did close it.
    pub fn raw(&mut self, who: &str, lines: &[&str]) -> &mut Self {
        let mut shown = vec![self.raw_header(who)];
        for (sent, line) in lines.iter().enumerate() {
            shown.push(format!("> {}", shorten(line)));
            let socket = self.socket(who);
            socket.send(format!("{line}\n"));
            if !line.trim().is_empty() {
                let response = socket.line();
                shown.push(format!("< {response}"));
                if closes_connection(&response) {
                    let unsent = &lines[sent + 1..];
                    assert!(unsent.is_empty(), "{who} cannot send {unsent:?}: closed");
                    self.expect_closed(who, &mut shown);
                    break;
                }
            }
        }
        self.block(shown.join("\n"));
        self.settle();
        self
    }

    /// `who`'s raw connection reads one line without sending anything: what
    /// the server says by itself (`ERROR busy` to a client over the limit,
    /// `ERROR shutdown`). Opens the connection on first use.
    pub fn hear(&mut self, who: &str) -> &mut Self {
        let mut shown = vec![self.raw_header(who)];
        let line = self.socket(who).line();
        shown.push(format!("< {line}"));
        if closes_connection(&line) {
            self.expect_closed(who, &mut shown);
        }
        self.block(shown.join("\n"));
        self.settle();
        self
    }

    /// `who` closes their raw connection without a word (Ctrl-C in `nc`).
    pub fn hang_up(&mut self, who: &str) -> &mut Self {
        let socket = self.sockets.remove(who).unwrap_or_else(|| {
            panic!("{who} has no open connection to hang up");
        });
        socket.close();
        self.closed += 1;
        self.block(format!("({who} hangs up)"));
        self.settle();
        self
    }

    /// Shows the lines the server has logged since the last call, each
    /// prefixed `server | `, or says that there are none. Waits first until
    /// the log has caught up with every connection opened or closed so far.
    pub fn server_log(&mut self) -> &mut Self {
        self.server_log_except(&[])
    }

    /// Like [`Transcript::server_log`], leaving out the lines that start with
    /// one of `left_out`: for a line whose place among the others depends
    /// on how the server's threads happened to be scheduled.
    pub fn server_log_except(&mut self, left_out: &[&str]) -> &mut Self {
        self.settle();
        let log = self.log();
        let fresh: Vec<String> = log[self.log_shown..]
            .iter()
            .filter(|line| !left_out.iter().any(|start| line.starts_with(start)))
            .map(|line| format!("server | {}", self.normalise(line, &log)))
            .collect();
        self.log_shown = log.len();
        if fresh.is_empty() {
            self.block("(nothing new in the server's log)".to_owned());
        } else {
            self.block(fresh.join("\n"));
        }
        self.show_exit();
        self
    }

    /// Shows the server's exit status, once it has exited, after its log.
    fn show_exit(&mut self) {
        if let Some(code) = self.exit_to_show.take() {
            self.block(format!("(the server exits with status {code})"));
        }
    }

    /// Passes over the lines the server has logged so far without showing
    /// them, for when they would add nothing but length.
    pub fn skip_server_log(&mut self) -> &mut Self {
        self.settle();
        self.log_shown = self.log().len();
        self
    }

    /// Waits until the server has logged a line containing `text` (one that
    /// no connection step waits for, such as a line printed at start-up).
    pub fn await_log(&mut self, text: &str) -> &mut Self {
        // Only the running server's lines: not those of one before a restart.
        let earlier = self.earlier_log.len();
        self.wait_until(|log| log[earlier..].iter().any(|line| line.contains(text)));
        self
    }

    /// `who` sends the server SIGTERM, as `kill -TERM` does (or Ctrl-C).
    #[cfg(unix)]
    pub fn terminate(&mut self, who: &str) -> &mut Self {
        let pid = self.live_server().pid().to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM {pid} failed");
        self.block(format!("{who} $ kill -TERM <the server's pid>"));
        self
    }

    /// Waits for the server to exit by itself, checks that it exits with
    /// `expected_code`. Its last log lines are then available to
    /// [`Transcript::server_log`], which ends with the exit status.
    pub fn server_exits(&mut self, expected_code: i32) -> &mut Self {
        let server = self.server.take().expect("the server is still running");
        let (code, log) = server.wait_exit();
        assert_eq!(
            code,
            Some(expected_code),
            "the server's exit code; it printed {log:#?}"
        );
        self.final_log = log;
        self.exit_to_show = Some(expected_code);
        self
    }

    /// The transcript as text. Fails if a background command was never
    /// collected: its output would be missing.
    pub fn finish(&mut self) -> String {
        let forgotten: Vec<&String> = self.background.keys().collect();
        assert!(forgotten.is_empty(), "never waited for {forgotten:?}");
        self.show_exit();
        format!("{}\n", self.blocks.join("\n\n"))
    }

    // ----- the machinery below the steps -----

    /// Adds a block of lines. Trailing spaces are dropped: nobody sees
    /// them in a book, and editors strip them from snapshot files.
    fn block(&mut self, text: String) {
        let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
        self.blocks.push(lines.join("\n"));
    }

    /// Shows a finished client run under `header`.
    fn show_run(&mut self, header: String, run: &Run) {
        let log = self.log();
        let mut shown = vec![header];
        for output in [&run.stdout, &run.stderr] {
            let output = output.trim_end();
            if !output.is_empty() {
                shown.push(self.normalise(output, &log));
            }
        }
        match run.code {
            Some(0) => {}
            Some(code) => shown.push(format!("(exit status {code})")),
            None => shown.push("(killed by a signal)".to_owned()),
        }
        self.block(shown.join("\n"));
        // Exit status 2 is bad usage: clap refused the command line before
        // the client connected. Any other run made one connection, now closed.
        if run.code != Some(2) {
            self.opened += 1;
            self.closed += 1;
        }
        self.settle();
    }

    fn raw_header(&mut self, who: &str) -> String {
        if self.sockets.contains_key(who) {
            return format!("{who} (nc, continued)");
        }
        let socket = self.live_server().connect();
        self.sockets.insert(who.to_owned(), socket);
        self.opened += 1;
        self.settle();
        format!("{who} $ nc 127.0.0.1 {SHOWN_SERVER_PORT}")
    }

    fn socket(&mut self, who: &str) -> &mut Raw {
        self.sockets
            .get_mut(who)
            .unwrap_or_else(|| panic!("{who} is not connected"))
    }

    fn background(&self, who: &str) -> &Background {
        self.background
            .get(who)
            .unwrap_or_else(|| panic!("{who} has no command running in the background"))
    }

    /// After a closing response: the server must hang up.
    fn expect_closed(&mut self, who: &str, shown: &mut Vec<String>) {
        let mut socket = self.sockets.remove(who).expect("connected");
        assert!(
            socket.is_closed(),
            "the server should have closed {who}'s connection"
        );
        self.closed += 1;
        shown.push("(the server closes the connection)".to_owned());
    }

    fn live_server(&self) -> &Server {
        self.server.as_ref().expect("the server has exited")
    }

    fn log(&self) -> Vec<String> {
        match &self.server {
            Some(server) => self.log_with(server.log()),
            None => self.log_with(self.final_log.clone()),
        }
    }

    /// The log of the servers before a restart, then `current`.
    fn log_with(&self, current: Vec<String>) -> Vec<String> {
        let mut log = self.earlier_log.clone();
        log.extend(current);
        log
    }

    // ANCHOR: settle
    /// Waits until the server's log shows every connection the steps so far
    /// have opened and closed. A connection appears as `ADDR connected` or
    /// `ADDR turned away: ...`, and leaves as `ADDR disconnected after ...`
    /// (or at once, if turned away).
    fn settle(&mut self) {
        let (opened, closed) = (self.opened, self.closed);
        let (connected, disconnected) = connection_words();
        self.wait_until(|log| {
            let count = |test: &dyn Fn(&str) -> bool| log.iter().filter(|line| test(line)).count();
            let turned_away = count(&|line| line.contains(" turned away: "));
            let arrived = count(&|line| connected.iter().any(|end| line.ends_with(end.as_str())));
            let left = count(&|line| {
                disconnected
                    .iter()
                    .any(|words| line.contains(words.as_str()))
            });
            arrived + turned_away >= opened && left + turned_away >= closed
        });
    }
    // ANCHOR_END: settle

    /// Waits until `ready` holds for the server's log.
    fn wait_until(&self, ready: impl Fn(&[String]) -> bool) {
        let Some(server) = &self.server else { return };
        // Every line is added to the log before it is handed out one by
        // one, so waiting for "the next line" (any line contains "") after
        // each failed check cannot miss the line that makes `ready` true;
        // `wait_for` fails the test if no line comes within `WAIT`.
        while !ready(&self.log()) {
            server.wait_for("");
        }
    }

    // ANCHOR: normalise
    /// Replaces the ports that vary from run to run: the server's by 5050,
    /// each client's by a label given in order of first appearance in `log`.
    fn normalise(&self, text: &str, log: &[String]) -> String {
        let mut labels = HashMap::from([(self.addr.port(), u32::from(SHOWN_SERVER_PORT))]);
        for port in &self.earlier_ports {
            labels.insert(*port, u32::from(SHOWN_SERVER_PORT));
        }
        for line in log {
            for port in loopback_ports(line) {
                let next = FIRST_CLIENT_PORT + labels.len() as u32 - 1;
                labels.entry(port).or_insert(next);
            }
        }
        replace_loopback_ports(text, |port| labels.get(&port).copied())
    }
    // ANCHOR_END: normalise
}

/// A command line as a person would type it (quoting what needs quotes).
fn command_line(program: &str, args: &[&str]) -> String {
    let mut words = vec![program.to_owned()];
    for arg in args {
        let plain = !arg.is_empty()
            && arg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.:/=@,+".contains(c));
        words.push(if plain {
            arg.to_string()
        } else {
            format!("'{arg}'")
        });
    }
    words.join(" ")
}

/// A request line as shown: long ones cut short, with their length.
fn shorten(line: &str) -> String {
    if line.len() <= LONGEST_SHOWN_LINE {
        return line.to_owned();
    }
    let start: String = line.chars().take(24).collect();
    format!("{start}… ({} bytes)", line.len())
}

/// True for a response after which the server hangs up.
fn closes_connection(line: &str) -> bool {
    chamada::Response::parse(line).is_ok_and(|response| response.closes_connection())
}

/// The ports of every `127.0.0.1:PORT` in `text`, in order.
fn loopback_ports(text: &str) -> Vec<u16> {
    let mut ports = Vec::new();
    replace_loopback_ports(text, |port| {
        ports.push(port);
        None
    });
    ports
}

/// Rewrites the port of every `127.0.0.1:PORT` in `text` that `new_port`
/// has a replacement for.
fn replace_loopback_ports(text: &str, mut new_port: impl FnMut(u16) -> Option<u32>) -> String {
    const HOST: &str = "127.0.0.1:";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(HOST) {
        let after = &rest[at + HOST.len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        out.push_str(&rest[..at + HOST.len()]);
        match after[..digits].parse().ok().and_then(&mut new_port) {
            Some(port) => out.push_str(&port.to_string()),
            None => out.push_str(&after[..digits]),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// Wraps `text` into lines of at most `width` characters, each starting
/// with `prefix`.
fn wrap(text: &str, prefix: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && prefix.len() + line.len() + 1 + word.len() > width {
            lines.push(format!("{prefix}{line}"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(format!("{prefix}{line}"));
    lines.join("\n")
}

/// How a connection's two log lines read, in every language the server may
/// speak (from the catalogue, so that a new wording cannot stall
/// [`Transcript::settle`]): the end of `ADDR connected`, and the words
/// after ADDR in `ADDR disconnected after N requests: ...`.
fn connection_words() -> (Vec<String>, Vec<String>) {
    use chamada::i18n::{text_in, FluentArgs, Lang};
    let mut connected = Vec::new();
    let mut disconnected = Vec::new();
    for lang in Lang::ALL {
        let mut args = FluentArgs::new();
        args.set("peer", "");
        args.set("requests", 2);
        args.set("why", "");
        connected.push(text_in(lang, "log-connected", Some(&args)));
        let line = text_in(lang, "log-disconnected", Some(&args));
        disconnected.push(line.split('2').next().unwrap_or_default().to_owned());
    }
    (connected, disconnected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_relabelled_wherever_they_appear() {
        let text = "127.0.0.1:41234 connected to 127.0.0.1:40000, not 127.0.0.1:9";
        let shown = replace_loopback_ports(text, |port| (port == 41234).then_some(50001));
        assert_eq!(
            shown,
            "127.0.0.1:50001 connected to 127.0.0.1:40000, not 127.0.0.1:9"
        );
        assert_eq!(loopback_ports(text), [41234, 40000, 9]);
    }

    #[test]
    fn long_lines_are_shortened_and_notes_wrapped() {
        assert_eq!(shorten("START 42"), "START 42");
        assert_eq!(
            shorten(&"x".repeat(300)),
            format!("{}… (300 bytes)", "x".repeat(24))
        );
        assert_eq!(wrap("a b c", "# ", 5), "# a b\n# c");
        assert_eq!(
            command_line("teacher", &["start", "42"]),
            "teacher start 42"
        );
        assert_eq!(command_line("student", &["a b", ""]), "student 'a b' ''");
    }
}
