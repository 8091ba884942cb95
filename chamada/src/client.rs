//! The clients' side: connecting to a server, sending requests, and telling
//! a person what the answers mean.
//!
//! The `teacher` and `student` binaries are thin: they read their command
//! line and pick requests; everything they have in common is here, from the
//! connection to the interactive prompt loop.

use std::fmt;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::net::{IpAddr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

use crate::protocol::{ClassId, Command, ErrorCode, Request, Response, StudentId, TeacherKey};
use crate::server::{DEFAULT_ADDR, DEFAULT_PORT};
use crate::t;

/// How long a client tries to reach a server before giving up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The options both clients have.
#[derive(Debug, clap::Args)]
pub struct ClientArgs {
    /// The server's address: a host name or IP address, with or without a
    /// port (5050 when none is given). IPv6 as ::1, [::1] or [::1]:5050.
    #[arg(long, short, value_name = "HOST:PORT", default_value = DEFAULT_ADDR, env = "CHAMADA_SERVER")]
    pub server: ServerAddr,
    /// Print the protocol's response lines exactly as the server sent them.
    #[arg(long)]
    pub raw: bool,
    /// The language of the messages, instead of the locale's (read before
    /// the rest of the command line, by `chamada::i18n::cli::parse`).
    #[arg(long, value_name = "LANG", value_parser = ["en", "pt-BR"])]
    pub lang: Option<String>,
}

// ANCHOR: server_addr
/// Where a client finds its server, read the ways people write it:
/// `localhost`, `192.168.0.10:5050`, `::1`, `[::1]`, `[::1]:5050`.
///
/// An IPv6 address is full of colons, so a port after one needs brackets:
/// `::1:5050` is an IPv6 address (with no port), not `::1` and port 5050.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerAddr {
    /// An IP address and port, used as they are.
    Ip(SocketAddr),
    /// A host name, resolved when connecting (to one address or several).
    Name {
        /// The name, e.g. `localhost` or `lab-pc-07.example.edu`.
        host: String,
        /// The port.
        port: u16,
    },
}

impl FromStr for ServerAddr {
    type Err = String;

    fn from_str(text: &str) -> Result<ServerAddr, String> {
        // The standard library reads IP addresses in all their forms, with
        // a port (`[::1]:5050`, `127.0.0.1:5050`) or without (`::1`).
        if let Ok(addr) = text.parse::<SocketAddr>() {
            return match addr.port() {
                0 => Err(t!("addr-port-zero")),
                _ => Ok(ServerAddr::Ip(addr)),
            };
        }
        if let Ok(ip) = text.parse::<IpAddr>() {
            return Ok(ServerAddr::Ip(SocketAddr::new(ip, DEFAULT_PORT)));
        }
        // `[::1]`: brackets, but no port after them.
        let bracketed = text.strip_prefix('[').and_then(|t| t.strip_suffix(']'));
        if let Some(ip) = bracketed.and_then(|inside| inside.parse::<Ipv6Addr>().ok()) {
            return Ok(ServerAddr::Ip(SocketAddr::new(ip.into(), DEFAULT_PORT)));
        }
        // What is left must be a host name, with or without a port.
        let (host, port) = match text.rsplit_once(':') {
            Some((host, port)) => match port.parse::<u16>() {
                Ok(0) => return Err(t!("addr-port-zero")),
                Ok(port) => (host, port),
                Err(_) => return Err(t!("addr-not-a-port", port = format!("{port:?}"))),
            },
            None => (text, DEFAULT_PORT),
        };
        let is_name_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-' | '_');
        if host.is_empty() || !host.chars().all(is_name_char) {
            return Err(t!("addr-bad"));
        }
        Ok(ServerAddr::Name {
            host: host.to_owned(),
            port,
        })
    }
}
// ANCHOR_END: server_addr

impl fmt::Display for ServerAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // `SocketAddr` writes IPv6 in brackets: [::1]:5050.
            ServerAddr::Ip(addr) => write!(f, "{addr}"),
            ServerAddr::Name { host, port } => write!(f, "{host}:{port}"),
        }
    }
}

/// What can go wrong on the client's side.
#[derive(Debug)]
pub enum ClientError {
    /// No server answered at that address.
    Unreachable {
        /// The address as the user gave it.
        server: String,
        /// What the system said.
        reason: String,
    },
    /// The server hung up before answering.
    Closed,
    /// The connection broke.
    Io(io::Error),
    /// The server sent a line that is not a response of the protocol.
    Garbled(String),
    /// The server did not accept the teacher key.
    KeyRefused,
    /// The server answered `AUTH` with an error other than a wrong key
    /// (`busy`, `timeout`, `shutdown`): the key was never checked. Holds
    /// the error, described for people.
    KeyNotChecked(String),
}

// ANCHOR: client_errors
/// Each error's sentence is a message of the catalogue, in the reader's
/// language: chamada/i18n/en/clients.ftl and chamada/i18n/pt-BR/clients.ftl.
impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sentence = match self {
            ClientError::Unreachable { server, reason } => {
                t!(
                    "client-error-unreachable",
                    server = &**server,
                    reason = &**reason
                )
            }
            ClientError::Closed => t!("client-error-closed"),
            ClientError::Io(error) => t!("client-error-io", error = error.to_string()),
            ClientError::Garbled(reason) => t!("client-error-garbled", reason = &**reason),
            ClientError::KeyRefused => t!("client-error-key-refused"),
            ClientError::KeyNotChecked(error) => {
                t!("client-error-key-not-checked", error = &**error)
            }
        };
        f.write_str(&sentence)
    }
}
// ANCHOR_END: client_errors

impl From<io::Error> for ClientError {
    fn from(error: io::Error) -> ClientError {
        ClientError::Io(error)
    }
}

/// What the system said about a failed connection. Its words are English
/// (Rust asks the system for them in the `C` locale), so the catalogue
/// puts the usual ones in the reader's language, the system's beside them.
fn system_error(error: &io::Error) -> String {
    let kind = match error.kind() {
        io::ErrorKind::ConnectionRefused => "refused",
        io::ErrorKind::TimedOut => "timed-out",
        io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable => "unreachable",
        _ => "other",
    };
    t!("system-error", kind = kind, error = error.to_string())
}

/// A connection to a roll-call server.
#[derive(Debug)]
pub struct Client {
    /// Responses arrive here, a line at a time. They have no length limit
    /// (an `ENDED` lists every student), so this is a plain buffered reader.
    responses: BufReader<TcpStream>,
    /// Requests leave through this handle to the same socket.
    requests: TcpStream,
}

impl Client {
    // ANCHOR: connect
    /// Connects to `server`, trying each address a host name resolves to.
    pub fn connect(server: &ServerAddr) -> Result<Client, ClientError> {
        let unreachable = |reason: String| ClientError::Unreachable {
            server: server.to_string(),
            reason,
        };
        let addrs: Vec<SocketAddr> = match server {
            ServerAddr::Ip(addr) => vec![*addr],
            // The system's resolver: /etc/hosts, the local network, DNS.
            ServerAddr::Name { host, port } => (host.as_str(), *port)
                .to_socket_addrs()
                .map_err(|error| unreachable(system_error(&error)))?
                .collect(),
        };
        // A host name can resolve to several addresses (IPv4 and IPv6):
        // try each, and report the last failure if none answers.
        let mut reason = t!("addr-none", server = server.to_string());
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
                Ok(stream) => return Ok(Client::over(stream)?),
                Err(error) => reason = system_error(&error),
            }
        }
        Err(unreachable(reason))
    }
    // ANCHOR_END: connect

    /// Uses an already connected socket.
    pub fn over(stream: TcpStream) -> io::Result<Client> {
        Ok(Client {
            requests: stream.try_clone()?,
            responses: BufReader::new(stream),
        })
    }

    // ANCHOR: send
    /// Sends one request and returns the response line, as sent.
    pub fn send(&mut self, request: &Request) -> Result<String, ClientError> {
        self.requests.write_all(format!("{request}\n").as_bytes())?;
        let mut line = String::new();
        if self.responses.read_line(&mut line)? == 0 {
            return Err(ClientError::Closed);
        }
        let line = line.trim_end_matches(['\r', '\n']);
        Ok(line.to_owned())
    }
    // ANCHOR_END: send

    /// Sends one request and reads the response.
    pub fn ask(&mut self, request: &Request) -> Result<Response, ClientError> {
        let line = self.send(request)?;
        Response::parse(&line).map_err(ClientError::Garbled)
    }
}

/// True when a response means the request did what was asked.
pub fn succeeded(response: &Response) -> bool {
    !matches!(
        response,
        Response::Error { .. } | Response::Presence { class: None, .. }
    )
}

/// What a response means, in a sentence or a few lines for a person, in
/// the reader's language.
///
/// `command` is the request that was answered: a `PRESENCE` does not say
/// which student it was for, so the request fills that in.
pub fn describe(command: &Command, response: &Response) -> String {
    match (command, response) {
        (_, Response::Started { class, at }) => {
            t!(
                "answer-started",
                class = class.to_string(),
                at = at.for_people()
            )
        }
        (
            _,
            Response::Status {
                class,
                started,
                students,
            },
        ) => match students.len() {
            0 => t!(
                "answer-status-empty",
                class = class.to_string(),
                since = started.for_people()
            ),
            count => {
                let head = t!(
                    "answer-status",
                    class = class.to_string(),
                    since = started.for_people(),
                    count = count
                );
                with_list(head, students)
            }
        },
        (
            _,
            Response::Ended {
                class,
                at,
                students,
            },
        ) => match students.len() {
            0 => t!(
                "answer-ended-empty",
                class = class.to_string(),
                at = at.for_people()
            ),
            count => {
                let head = t!(
                    "answer-ended",
                    class = class.to_string(),
                    at = at.for_people(),
                    count = count
                );
                with_list(head, students)
            }
        },
        (
            Command::Present { student, .. },
            Response::Presence {
                class: Some(class),
                at,
            },
        ) => t!(
            "answer-presence",
            student = student.to_string(),
            class = class.to_string(),
            at = at.for_people()
        ),
        (Command::Present { class, .. }, Response::Presence { class: None, at }) => {
            t!(
                "answer-presence-refused",
                class = class.to_string(),
                at = at.for_people()
            )
        }
        (_, Response::Error { code, message }) => {
            describe_error(*code, message, command_class(command))
        }
        (_, other) => other.to_string(),
    }
}

/// The class a command is about.
fn command_class(command: &Command) -> Option<ClassId> {
    match command {
        Command::Start(class) | Command::Status(class) | Command::End(class) => Some(*class),
        Command::Present { class, .. } => Some(*class),
    }
}

/// A list's first line, then the students, one a line.
fn with_list(head: String, students: &[StudentId]) -> String {
    let mut text = head;
    for student in students {
        text.push_str(&format!("\n  {student}"));
    }
    text
}

/// An `ERROR` answer, for a person: the protocol's code as it is, and what
/// it means (the catalogue's explanation where the client knows one, else
/// the server's own message).
fn describe_error(code: ErrorCode, message: &str, class: Option<ClassId>) -> String {
    let mut message = message.to_owned();
    if let Some(first) = message.get(..1) {
        message.replace_range(..1, &first.to_uppercase());
    }
    let explanation = t!(
        "error-explained",
        code = code.as_str(),
        class = class.map(|class| class.to_string()).unwrap_or_default(),
        message = message
    );
    t!(
        "answer-error",
        code = code.as_str(),
        explanation = explanation
    )
}

/// One client session: a connection plus how to show its answers.
#[derive(Debug)]
pub struct Session {
    /// The connection to the server.
    client: Client,
    /// Print protocol lines as they are instead of sentences.
    raw: bool,
}

impl Session {
    /// Connects as `args` say.
    pub fn connect(args: &ClientArgs) -> Result<Session, ClientError> {
        Ok(Session {
            client: Client::connect(&args.server)?,
            raw: args.raw,
        })
    }

    /// Sends `AUTH` with the teacher's key, if there is one. A refused key
    /// is an error: nothing a teacher does after it would be allowed. So is
    /// any other error answer, said for what it is: a server that is full
    /// or shutting down never looked at the key.
    pub fn authenticate(&mut self, key: Option<&crate::TeacherKey>) -> Result<(), ClientError> {
        let Some(key) = key else { return Ok(()) };
        let line = self.client.send(&Request::Auth(key.clone()))?;
        if self.raw {
            println!("{line}");
        }
        match Response::parse(&line).map_err(ClientError::Garbled)? {
            Response::Authorized => Ok(()),
            Response::Error {
                code: ErrorCode::Forbidden,
                ..
            } => Err(ClientError::KeyRefused),
            Response::Error { code, message } => Err(ClientError::KeyNotChecked(describe_error(
                code, &message, None,
            ))),
            other => Err(ClientError::Garbled(t!(
                "client-error-auth-answer",
                response = other.to_string()
            ))),
        }
    }

    /// Sends a command, prints what the answer means, and says whether it
    /// succeeded.
    pub fn run(&mut self, command: Command) -> Result<bool, ClientError> {
        self.exchange(command).map(|response| succeeded(&response))
    }

    /// Sends a command, prints what the answer means, and returns it.
    pub fn exchange(&mut self, command: Command) -> Result<Response, ClientError> {
        let line = self.client.send(&Request::Command(command.clone()))?;
        let response = Response::parse(&line).map_err(ClientError::Garbled)?;
        if self.raw {
            println!("{line}");
        } else {
            println!("{}", describe(&command, &response));
        }
        if response.closes_connection() {
            return Err(ClientError::Closed);
        }
        Ok(response)
    }

    /// Runs one command and turns the outcome into the process's exit code:
    /// 0 when it succeeded, 1 when it was refused or failed.
    pub fn run_once(&mut self, command: Command) -> ExitCode {
        match self.run(command) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(error) => fail(&error),
        }
    }

    /// The interactive loop: prompt, read a line, act on it, until `quit`
    /// or the end of standard input (so piped scripts work too).
    pub fn prompt_loop(&mut self, prompt: &str, mut read: impl FnMut(&str) -> Choice) -> ExitCode {
        // When input is piped, echo each line after the prompt, so the
        // output reads like the session a person would have seen.
        let echo = !io::stdin().is_terminal();
        let mut input = io::stdin().lock();
        loop {
            print!("{prompt}");
            let _ = io::stdout().flush();
            let mut line = String::new();
            match input.read_line(&mut line) {
                Ok(0) | Err(_) => {
                    println!();
                    break;
                }
                Ok(_) => {}
            }
            if echo {
                print!("{line}");
            }
            match read(line.trim()) {
                Choice::Send(command) => {
                    if let Err(error) = self.run(command) {
                        return fail(&error);
                    }
                }
                Choice::Say(text) => println!("{text}"),
                Choice::Nothing => {}
                Choice::Quit => break,
            }
        }
        // Say goodbye properly; the server answers BYE and hangs up.
        let _ = self.client.send(&Request::Quit);
        ExitCode::SUCCESS
    }
}

/// What one line typed at a prompt asks for.
#[derive(Debug)]
pub enum Choice {
    /// Send this command and show the answer.
    Send(Command),
    /// Show this text (help, or what was wrong with the line).
    Say(String),
    /// Nothing (a blank line).
    Nothing,
    /// Leave.
    Quit,
}

/// Prints a client error on standard error and gives the failing exit code.
pub fn fail(error: &ClientError) -> ExitCode {
    let program = std::env::args().next().unwrap_or_default();
    let program = std::path::Path::new(&program)
        .file_stem()
        .map_or("client".into(), |stem| stem.to_string_lossy().into_owned());
    eprintln!(
        "{}",
        t!(
            "client-failed",
            program = program,
            error = error.to_string()
        )
    );
    ExitCode::FAILURE
}

/// Reads a class on the command line, refusing it in the reader's language.
pub fn class_arg(text: &str) -> Result<ClassId, String> {
    ClassId::parse(text).ok_or_else(|| t!("bad-class", max = u32::MAX.to_string()))
}

/// Reads a student id on the command line, refusing it in the reader's
/// language.
pub fn student_arg(text: &str) -> Result<StudentId, String> {
    StudentId::parse(text).ok_or_else(|| t!("bad-student", max = StudentId::MAX_LEN))
}

/// Reads the teacher key on the command line. A refusal, in the reader's
/// language, never shows the value: it is a secret.
#[derive(Clone, Copy, Debug)]
pub struct KeyArg;

impl clap::builder::TypedValueParser for KeyArg {
    type Value = TeacherKey;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<TeacherKey, clap::Error> {
        // A value that is not UTF-8 cannot be printable ASCII either.
        if let Some(key) = value.to_str().and_then(TeacherKey::parse) {
            return Ok(key);
        }
        let option = arg.map_or_else(|| "--key".to_owned(), |arg| format!("'{arg}'"));
        let message = t!(
            "teacher-bad-key",
            option = option,
            max = TeacherKey::MAX_LEN
        );
        Err(cmd
            .clone()
            .error(clap::error::ErrorKind::ValueValidation, message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClassId, StudentId, Timestamp};

    fn at() -> Timestamp {
        Timestamp::parse("2026-11-24T10:15:03-03:00").unwrap()
    }

    fn class(n: u32) -> ClassId {
        ClassId::new(n).unwrap()
    }

    /// These tests read English, whatever the developer's locale.
    fn in_english() {
        assert!(crate::i18n::choose(crate::i18n::Lang::En));
    }

    #[test]
    fn answers_are_described_for_people() {
        in_english();
        let start = Command::Start(class(42));
        assert_eq!(
            describe(
                &start,
                &Response::Started {
                    class: class(42),
                    at: at()
                }
            ),
            "Roll call of class 42 opened at 2026-11-24 10:15:03."
        );
        let students = vec![
            StudentId::parse("042191010").unwrap(),
            StudentId::parse("b7").unwrap(),
        ];
        assert_eq!(
            describe(&Command::End(class(42)), &Response::Ended { class: class(42), at: at(), students }),
            "Roll call of class 42 closed at 2026-11-24 10:15:03; 2 students present:\n  042191010\n  b7"
        );
        let present = Command::Present {
            student: StudentId::parse("a1").unwrap(),
            class: class(7),
        };
        assert_eq!(
            describe(
                &present,
                &Response::Presence {
                    class: None,
                    at: at()
                }
            ),
            "Refused: class 7 has no open roll call (answered at 2026-11-24 10:15:03)."
        );
        assert_eq!(
            describe(&start, &Response::already_open(class(42))),
            "Error (already-open): Class 42 already has an open roll call."
        );
    }

    #[test]
    fn server_addresses_are_read_as_people_write_them() {
        let ip = |text: &str| ServerAddr::Ip(text.parse().unwrap());
        let name = |host: &str, port| ServerAddr::Name {
            host: host.to_owned(),
            port,
        };
        for (text, expected) in [
            ("127.0.0.1", ip("127.0.0.1:5050")),
            ("192.168.0.10:6000", ip("192.168.0.10:6000")),
            ("::1", ip("[::1]:5050")),
            ("[::1]", ip("[::1]:5050")),
            ("[::1]:6000", ip("[::1]:6000")),
            (
                "fe80::1c2b:3aff:fe4d:5e6f",
                ip("[fe80::1c2b:3aff:fe4d:5e6f]:5050"),
            ),
            ("localhost", name("localhost", 5050)),
            ("localhost:6000", name("localhost", 6000)),
            ("lab-pc_07.example.edu", name("lab-pc_07.example.edu", 5050)),
        ] {
            assert_eq!(text.parse::<ServerAddr>(), Ok(expected), "{text}");
        }
        assert_eq!(
            "::1".parse::<ServerAddr>().unwrap().to_string(),
            "[::1]:5050"
        );
        assert_eq!(name("localhost", 5050).to_string(), "localhost:5050");
    }

    #[test]
    fn server_addresses_that_are_no_address_are_refused() {
        for bad in [
            "",
            ":5050",
            "localhost:",
            "localhost:http",
            "localhost:65536",
            "localhost:0",
            "127.0.0.1:0",
            "[::1]:0",
            "[::1",
            "::1]",
            "[localhost]",
            "a b",
            "a/b:5050",
            "1.2.3.4:5:6",
        ] {
            assert!(bad.parse::<ServerAddr>().is_err(), "{bad:?} was taken");
        }
    }

    #[test]
    fn refusals_and_errors_are_not_successes() {
        assert!(!succeeded(&Response::Presence {
            class: None,
            at: at()
        }));
        assert!(!succeeded(&Response::not_open(class(1))));
        assert!(succeeded(&Response::Presence {
            class: Some(class(1)),
            at: at()
        }));
    }
}
