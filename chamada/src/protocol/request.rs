//! Requests: turning one line of text into a [`Request`], and back.
//!
//! Parsing is where every rule of the protocol about *input* lives: verbs
//! are case-insensitive, tokens are separated by spaces or tabs, classes and
//! students must be valid. A line that breaks a rule becomes a
//! [`BadRequest`] carrying the sentence the client will read.

use std::fmt;

use super::ids::{ClassId, StudentId, TeacherKey};

// ANCHOR: requests
/// One request a client can send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// Something that reads or changes the roll calls.
    Command(Command),
    /// `AUTH <key>`: a teacher proves they may open and close roll calls.
    Auth(TeacherKey),
    /// `HELP`: the list of requests.
    Help,
    /// `QUIT`: the client is leaving; the server says `BYE` and hangs up.
    Quit,
}

/// The requests that touch the roll-call state. Every lesson hands these to
/// whatever owns the state: a plain variable, a mutex, or a registry thread.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `START <class>`: open a roll call.
    Start(ClassId),
    /// `END <class>`: close it, answer with its list, forget it.
    End(ClassId),
    /// `STATUS <class>`: the list so far, without closing.
    Status(ClassId),
    /// `PRESENT <student> <class>`: a student answers the roll call.
    Present {
        /// Who is answering.
        student: StudentId,
        /// Which class they say they are in.
        class: ClassId,
    },
}
// ANCHOR_END: requests

impl Command {
    /// True for the requests only a teacher may send (on a server with a
    /// teacher key they need a prior `AUTH`).
    pub fn is_for_teachers(&self) -> bool {
        !matches!(self, Command::Present { .. })
    }
}

/// Why a line is not a valid request: the sentence for `ERROR bad-request`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRequest(pub String);

impl fmt::Display for BadRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What `HELP` answers: every request on one line.
pub const HELP_TEXT: &str =
    "START <class> | END <class> | STATUS <class> | PRESENT <student> <class> | AUTH <key> | HELP | QUIT";

impl Request {
    /// Whether `line` is an `AUTH` request, well-formed or not: a server
    /// that keeps a teacher key treats a malformed `AUTH` as a wrong key.
    pub fn names_auth(line: &str) -> bool {
        let first = line.split([' ', '\t']).find(|token| !token.is_empty());
        first.is_some_and(|verb| verb.eq_ignore_ascii_case("AUTH"))
    }

    /// Parses one request line (without its line ending).
    ///
    /// Returns `Ok(None)` for a blank line, which the protocol ignores.
    pub fn parse(line: &str) -> Result<Option<Request>, BadRequest> {
        let mut tokens = line.split([' ', '\t']).filter(|token| !token.is_empty());
        let Some(verb) = tokens.next() else {
            return Ok(None);
        };
        let args: Vec<&str> = tokens.collect();
        let request = match verb.to_ascii_uppercase().as_str() {
            "START" => Request::Command(Command::Start(class_arg("START", &args)?)),
            "END" => Request::Command(Command::End(class_arg("END", &args)?)),
            "STATUS" => Request::Command(Command::Status(class_arg("STATUS", &args)?)),
            "PRESENT" => Request::Command(present_args(&args)?),
            "AUTH" => Request::Auth(key_arg(&args)?),
            "HELP" => no_args("HELP", &args, Request::Help)?,
            "QUIT" => no_args("QUIT", &args, Request::Quit)?,
            _ => return Err(BadRequest(format!("unknown request {verb:?}; try HELP"))),
        };
        Ok(Some(request))
    }
}

fn expect_args(verb: &str, args: &[&str], usage: &str) -> Result<(), BadRequest> {
    let wanted = usage.split(' ').count() - 1;
    if args.len() == wanted {
        return Ok(());
    }
    let plural = if wanted == 1 { "" } else { "s" };
    Err(BadRequest(format!(
        "{verb} takes {wanted} argument{plural}, got {}: {usage}",
        args.len()
    )))
}

fn class_arg(verb: &str, args: &[&str]) -> Result<ClassId, BadRequest> {
    expect_args(verb, args, &format!("{verb} <class>"))?;
    parse_class(args[0])
}

fn present_args(args: &[&str]) -> Result<Command, BadRequest> {
    expect_args("PRESENT", args, "PRESENT <student> <class>")?;
    let student = StudentId::parse(args[0]).ok_or_else(|| {
        BadRequest(format!(
            "{:?} is not a student id: use 1 to {} letters or digits",
            args[0],
            StudentId::MAX_LEN
        ))
    })?;
    let class = parse_class(args[1])?;
    Ok(Command::Present { student, class })
}

fn key_arg(args: &[&str]) -> Result<TeacherKey, BadRequest> {
    expect_args("AUTH", args, "AUTH <key>")?;
    // The message never repeats the key: it may be a real key with a typo.
    TeacherKey::parse(args[0]).ok_or_else(|| {
        BadRequest(format!(
            "a teacher key is 1 to {} printable ASCII characters",
            TeacherKey::MAX_LEN
        ))
    })
}

fn no_args(verb: &str, args: &[&str], request: Request) -> Result<Request, BadRequest> {
    expect_args(verb, args, verb)?;
    Ok(request)
}

fn parse_class(token: &str) -> Result<ClassId, BadRequest> {
    ClassId::parse(token).ok_or_else(|| {
        BadRequest(format!(
            "{token:?} is not a class: use a whole number from 1 to {}",
            u32::MAX
        ))
    })
}

/// Writes the request the way a client sends it (without the line ending).
impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Request::Command(command) => command.fmt(f),
            Request::Auth(key) => write!(f, "AUTH {}", key.expose()),
            Request::Help => f.write_str("HELP"),
            Request::Quit => f.write_str("QUIT"),
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Start(class) => write!(f, "START {class}"),
            Command::End(class) => write!(f, "END {class}"),
            Command::Status(class) => write!(f, "STATUS {class}"),
            Command::Present { student, class } => write!(f, "PRESENT {student} {class}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(n: u32) -> ClassId {
        ClassId::new(n).unwrap()
    }

    fn parsed(line: &str) -> Request {
        Request::parse(line).unwrap().unwrap()
    }

    fn rejected(line: &str) -> String {
        Request::parse(line).unwrap_err().0
    }

    #[test]
    fn every_request_parses() {
        assert_eq!(
            parsed("START 42"),
            Request::Command(Command::Start(class(42)))
        );
        assert_eq!(parsed("END 42"), Request::Command(Command::End(class(42))));
        assert_eq!(
            parsed("STATUS 42"),
            Request::Command(Command::Status(class(42)))
        );
        assert_eq!(
            parsed("PRESENT 042191010 42"),
            Request::Command(Command::Present {
                student: StudentId::parse("042191010").unwrap(),
                class: class(42)
            })
        );
        assert_eq!(
            parsed("AUTH s3cret"),
            Request::Auth(TeacherKey::parse("s3cret").unwrap())
        );
        assert_eq!(parsed("HELP"), Request::Help);
        assert_eq!(parsed("QUIT"), Request::Quit);
    }

    #[test]
    fn verbs_are_case_insensitive() {
        assert_eq!(parsed("start 7"), parsed("START 7"));
        assert_eq!(parsed("Present a1 7"), parsed("PRESENT a1 7"));
        assert_eq!(parsed("qUiT"), Request::Quit);
    }

    #[test]
    fn spaces_and_tabs_separate_tokens_and_surrounding_space_is_ignored() {
        assert_eq!(parsed("  START \t 42\t "), parsed("START 42"));
        assert_eq!(parsed("\tPRESENT\t\ta1   42"), parsed("PRESENT a1 42"));
    }

    #[test]
    fn blank_lines_are_not_requests() {
        for blank in ["", " ", "\t \t"] {
            assert_eq!(Request::parse(blank), Ok(None));
        }
    }

    #[test]
    fn leading_zeros_give_the_canonical_class() {
        assert_eq!(parsed("START 007").to_string(), "START 7");
    }

    #[test]
    fn unknown_verbs_are_named_in_the_error() {
        assert_eq!(rejected("FOO"), "unknown request \"FOO\"; try HELP");
        assert_eq!(
            rejected("STARTED 42"),
            "unknown request \"STARTED\"; try HELP"
        );
    }

    #[test]
    fn wrong_argument_counts_are_rejected_with_the_usage() {
        assert_eq!(
            rejected("START"),
            "START takes 1 argument, got 0: START <class>"
        );
        assert_eq!(
            rejected("END 1 2"),
            "END takes 1 argument, got 2: END <class>"
        );
        assert_eq!(
            rejected("STATUS"),
            "STATUS takes 1 argument, got 0: STATUS <class>"
        );
        assert_eq!(
            rejected("PRESENT 42"),
            "PRESENT takes 2 arguments, got 1: PRESENT <student> <class>"
        );
        assert_eq!(rejected("AUTH"), "AUTH takes 1 argument, got 0: AUTH <key>");
        assert_eq!(rejected("HELP me"), "HELP takes 0 arguments, got 1: HELP");
        assert_eq!(rejected("QUIT now"), "QUIT takes 0 arguments, got 1: QUIT");
    }

    #[test]
    fn invalid_classes_and_students_are_rejected() {
        assert_eq!(
            rejected("START 0"),
            "\"0\" is not a class: use a whole number from 1 to 4294967295"
        );
        assert!(rejected("START -1").starts_with("\"-1\" is not a class"));
        assert!(rejected("END 4294967296").starts_with("\"4294967296\" is not a class"));
        assert!(rejected("PRESENT a1 x").starts_with("\"x\" is not a class"));
        assert_eq!(
            rejected("PRESENT a-1 42"),
            "\"a-1\" is not a student id: use 1 to 32 letters or digits"
        );
        assert!(rejected(&format!("PRESENT {} 42", "a".repeat(33))).contains("is not a student id"));
    }

    #[test]
    fn a_bad_key_is_rejected_without_repeating_it() {
        let message = rejected(&format!("AUTH {}", "k".repeat(65)));
        assert!(!message.contains("kkk"), "{message}");
    }

    #[test]
    fn only_present_is_for_students() {
        assert!(!Command::Present {
            student: StudentId::parse("a").unwrap(),
            class: class(1)
        }
        .is_for_teachers());
        assert!(Command::Start(class(1)).is_for_teachers());
        assert!(Command::End(class(1)).is_for_teachers());
        assert!(Command::Status(class(1)).is_for_teachers());
    }

    #[test]
    fn requests_print_as_they_parse() {
        for line in [
            "START 42",
            "END 42",
            "STATUS 42",
            "PRESENT 042191010 42",
            "AUTH k",
            "HELP",
            "QUIT",
        ] {
            assert_eq!(parsed(line).to_string(), line);
        }
    }
}
