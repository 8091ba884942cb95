//! Responses: what a server answers, as a value and as one line of text.
//!
//! Servers build a [`Response`] and print it with `Display`; clients read a
//! line and turn it back into a `Response` with [`Response::parse`]. Keeping
//! both directions in one file is what makes every lesson, client, test and
//! benchmark agree on the wire format.

use std::fmt;

use super::ids::{ClassId, StudentId};
use super::request::HELP_TEXT;
use crate::clock::Timestamp;

/// One response line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// `STARTED <class> <time-started>`
    Started {
        /// The class whose roll call is now open.
        class: ClassId,
        /// When it opened.
        at: Timestamp,
    },
    /// `ENDED <class> <time-ended> <count> [<student> ...]`
    Ended {
        /// The class whose roll call just closed.
        class: ClassId,
        /// When it closed.
        at: Timestamp,
        /// Everyone who answered, in the order they answered.
        students: Vec<StudentId>,
    },
    /// `STATUS <class> <time-started> <count> [<student> ...]`
    Status {
        /// The class asked about.
        class: ClassId,
        /// When its roll call opened.
        started: Timestamp,
        /// Everyone who answered so far, in order.
        students: Vec<StudentId>,
    },
    /// `PRESENCE <class> <time>`, or `PRESENCE 0 <time>` when refused.
    Presence {
        /// The class the presence was recorded in; `None` (written `0`)
        /// when the class has no open roll call.
        class: Option<ClassId>,
        /// When the presence was recorded (or refused).
        at: Timestamp,
    },
    /// `AUTHORIZED`
    Authorized,
    /// `HELP <every request>`
    Help,
    /// `BYE`, just before the server hangs up.
    Bye,
    /// `ERROR <code> <message>`
    Error {
        /// The machine-readable reason.
        code: ErrorCode,
        /// A sentence for a person.
        message: String,
    },
}

/// The error codes of the protocol, one lower-case word each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The line is not a valid request.
    BadRequest,
    /// `START` of a class whose roll call is already open.
    AlreadyOpen,
    /// `END` or `STATUS` of a class with no open roll call.
    NotOpen,
    /// A request line longer than the protocol allows.
    LineTooLong,
    /// The server is at its connection limit.
    Busy,
    /// The connection was idle for too long.
    Timeout,
    /// The server is shutting down.
    Shutdown,
    /// A wrong key, or a teacher request without `AUTH`.
    Forbidden,
    /// The class, or the server, holds as many as it may.
    Full,
}

impl ErrorCode {
    const ALL: [ErrorCode; 9] = [
        ErrorCode::BadRequest,
        ErrorCode::AlreadyOpen,
        ErrorCode::NotOpen,
        ErrorCode::LineTooLong,
        ErrorCode::Busy,
        ErrorCode::Timeout,
        ErrorCode::Shutdown,
        ErrorCode::Forbidden,
        ErrorCode::Full,
    ];

    /// The code as it is written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad-request",
            ErrorCode::AlreadyOpen => "already-open",
            ErrorCode::NotOpen => "not-open",
            ErrorCode::LineTooLong => "line-too-long",
            ErrorCode::Busy => "busy",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Shutdown => "shutdown",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::Full => "full",
        }
    }

    /// Reads a code written on the wire.
    pub fn parse(word: &str) -> Option<ErrorCode> {
        Self::ALL.into_iter().find(|code| code.as_str() == word)
    }

    // ANCHOR: closes_connection
    /// True for the errors after which the server hangs up.
    pub fn closes_connection(self) -> bool {
        matches!(
            self,
            ErrorCode::LineTooLong | ErrorCode::Busy | ErrorCode::Timeout | ErrorCode::Shutdown
        )
    }
    // ANCHOR_END: closes_connection
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// The sentences of the errors every server sends. They live here, once, so
// that all lessons say exactly the same thing.
impl Response {
    /// An `ERROR` response.
    pub fn error(code: ErrorCode, message: impl Into<String>) -> Response {
        Response::Error {
            code,
            message: message.into(),
        }
    }

    /// `ERROR already-open` for a `START` of an open class.
    pub fn already_open(class: ClassId) -> Response {
        Response::error(
            ErrorCode::AlreadyOpen,
            format!("class {class} already has an open roll call"),
        )
    }

    /// `ERROR not-open` for an `END` or `STATUS` of a class that is not open.
    pub fn not_open(class: ClassId) -> Response {
        Response::error(
            ErrorCode::NotOpen,
            format!("class {class} has no open roll call"),
        )
    }

    /// `ERROR full` for a new student in a class that has its most.
    pub fn class_full(class: ClassId, limit: usize) -> Response {
        Response::error(
            ErrorCode::Full,
            format!("class {class} already has {limit} students, the most this server records"),
        )
    }

    /// `ERROR full` for a `START` when the most roll calls are open.
    pub fn too_many_classes(limit: usize) -> Response {
        Response::error(
            ErrorCode::Full,
            format!("the server already has {limit} open roll calls; end one first"),
        )
    }

    /// `ERROR line-too-long`: the request line went past the limit.
    pub fn line_too_long() -> Response {
        Response::error(
            ErrorCode::LineTooLong,
            format!(
                "a request line may be at most {} bytes; closing the connection",
                crate::MAX_LINE
            ),
        )
    }

    /// `ERROR busy`: the server has as many connections as it allows.
    pub fn busy(limit: usize) -> Response {
        Response::error(
            ErrorCode::Busy,
            format!(
                "the server already has {limit} connection{}; try again soon",
                if limit == 1 { "" } else { "s" }
            ),
        )
    }

    /// `ERROR timeout`: nothing arrived for `seconds`.
    pub fn timeout(seconds: u64) -> Response {
        Response::error(
            ErrorCode::Timeout,
            format!("no request for {seconds} s; closing the connection"),
        )
    }

    /// `ERROR shutdown`: the server is stopping.
    pub fn shutdown() -> Response {
        Response::error(ErrorCode::Shutdown, "the server is shutting down; goodbye")
    }

    /// `ERROR forbidden` for a wrong key.
    pub fn wrong_key() -> Response {
        Response::error(ErrorCode::Forbidden, "that is not the teacher key")
    }

    /// `ERROR forbidden` for a teacher request before `AUTH`.
    pub fn teachers_only() -> Response {
        Response::error(
            ErrorCode::Forbidden,
            "START, END and STATUS need the teacher key: send AUTH <key> first",
        )
    }

    /// True when the server hangs up after sending this response.
    pub fn closes_connection(&self) -> bool {
        match self {
            Response::Bye => true,
            Response::Error { code, .. } => code.closes_connection(),
            _ => false,
        }
    }
}

impl fmt::Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Response::Started { class, at } => write!(f, "STARTED {class} {at}"),
            Response::Ended {
                class,
                at,
                students,
            } => {
                write!(f, "ENDED {class} {at} ")?;
                write_list(f, students)
            }
            Response::Status {
                class,
                started,
                students,
            } => {
                write!(f, "STATUS {class} {started} ")?;
                write_list(f, students)
            }
            Response::Presence {
                class: Some(class),
                at,
            } => write!(f, "PRESENCE {class} {at}"),
            Response::Presence { class: None, at } => write!(f, "PRESENCE 0 {at}"),
            Response::Authorized => f.write_str("AUTHORIZED"),
            Response::Help => write!(f, "HELP {HELP_TEXT}"),
            Response::Bye => f.write_str("BYE"),
            Response::Error { code, message } => write!(f, "ERROR {code} {message}"),
        }
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, students: &[StudentId]) -> fmt::Result {
    write!(f, "{}", students.len())?;
    for student in students {
        write!(f, " {student}")?;
    }
    Ok(())
}

impl Response {
    /// Reads a response line (without its line ending), as a client does.
    ///
    /// The error is a sentence saying what was wrong with the line.
    pub fn parse(line: &str) -> Result<Response, String> {
        let mut words = line.split(' ');
        let verb = words.next().unwrap_or_default();
        let mut reader = Words { words, line };
        let response = match verb {
            "STARTED" => Response::Started {
                class: reader.class()?,
                at: reader.time()?,
            },
            "ENDED" => Response::Ended {
                class: reader.class()?,
                at: reader.time()?,
                students: reader.list()?,
            },
            "STATUS" => Response::Status {
                class: reader.class()?,
                started: reader.time()?,
                students: reader.list()?,
            },
            "PRESENCE" => Response::Presence {
                class: reader.class_or_zero()?,
                at: reader.time()?,
            },
            "AUTHORIZED" => Response::Authorized,
            // Whatever list of requests a server offers, it is a HELP.
            "HELP" => return Ok(Response::Help),
            "BYE" => Response::Bye,
            "ERROR" => return reader.error(),
            _ => return Err(format!("unexpected response {line:?}")),
        };
        reader.finish()?;
        Ok(response)
    }
}

/// The words of a response line, read one field at a time.
struct Words<'a> {
    /// The words not read yet.
    words: std::str::Split<'a, char>,
    /// The whole line, for error messages.
    line: &'a str,
}

impl<'a> Words<'a> {
    fn word(&mut self, what: &str) -> Result<&'a str, String> {
        self.words
            .next()
            .ok_or_else(|| format!("missing {what} in {:?}", self.line))
    }

    fn class_or_zero(&mut self) -> Result<Option<ClassId>, String> {
        let word = self.word("class")?;
        match word {
            "0" => Ok(None),
            _ => ClassId::parse(word)
                .map(Some)
                .ok_or_else(|| format!("bad class in {:?}", self.line)),
        }
    }

    fn class(&mut self) -> Result<ClassId, String> {
        self.class_or_zero()?
            .ok_or_else(|| format!("class 0 in {:?}", self.line))
    }

    fn time(&mut self) -> Result<Timestamp, String> {
        let word = self.word("time")?;
        Timestamp::parse(word).ok_or_else(|| format!("bad time {word:?} in {:?}", self.line))
    }

    fn list(&mut self) -> Result<Vec<StudentId>, String> {
        let count: usize = self
            .word("count")?
            .parse()
            .map_err(|_| format!("bad count in {:?}", self.line))?;
        let students: Option<Vec<StudentId>> = self.words.by_ref().map(StudentId::parse).collect();
        match students {
            Some(students) if students.len() == count => Ok(students),
            _ => Err(format!(
                "the list does not match its count in {:?}",
                self.line
            )),
        }
    }

    fn error(mut self) -> Result<Response, String> {
        let word = self.word("error code")?;
        let code = ErrorCode::parse(word).ok_or_else(|| format!("unknown error code {word:?}"))?;
        let message = self.words.collect::<Vec<_>>().join(" ");
        Ok(Response::Error { code, message })
    }

    fn finish(mut self) -> Result<(), String> {
        match self.words.next() {
            None => Ok(()),
            Some(_) => Err(format!("unexpected words at the end of {:?}", self.line)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn students(ids: &[&str]) -> Vec<StudentId> {
        ids.iter().map(|id| StudentId::parse(id).unwrap()).collect()
    }

    fn class(n: u32) -> ClassId {
        ClassId::new(n).unwrap()
    }

    #[test]
    fn every_response_has_the_protocol_form() {
        let t = at("2026-11-24T10:15:03-03:00");
        let cases = [
            (Response::Started { class: class(42), at: t }, "STARTED 42 2026-11-24T10:15:03-03:00"),
            (
                Response::Ended { class: class(42), at: t, students: students(&["042191010", "b"]) },
                "ENDED 42 2026-11-24T10:15:03-03:00 2 042191010 b",
            ),
            (Response::Ended { class: class(7), at: t, students: vec![] }, "ENDED 7 2026-11-24T10:15:03-03:00 0"),
            (
                Response::Status { class: class(42), started: t, students: students(&["a"]) },
                "STATUS 42 2026-11-24T10:15:03-03:00 1 a",
            ),
            (Response::Presence { class: Some(class(42)), at: t }, "PRESENCE 42 2026-11-24T10:15:03-03:00"),
            (Response::Presence { class: None, at: t }, "PRESENCE 0 2026-11-24T10:15:03-03:00"),
            (Response::Authorized, "AUTHORIZED"),
            (
                Response::Help,
                "HELP START <class> | END <class> | STATUS <class> | PRESENT <student> <class> | AUTH <key> | HELP | QUIT",
            ),
            (Response::Bye, "BYE"),
            (Response::not_open(class(9)), "ERROR not-open class 9 has no open roll call"),
            (Response::already_open(class(9)), "ERROR already-open class 9 already has an open roll call"),
            (Response::busy(1), "ERROR busy the server already has 1 connection; try again soon"),
            (Response::busy(2), "ERROR busy the server already has 2 connections; try again soon"),
        ];
        for (response, line) in cases {
            assert_eq!(response.to_string(), line);
            assert_eq!(Response::parse(line), Ok(response), "{line}");
        }
    }

    #[test]
    fn every_error_code_round_trips() {
        for code in ErrorCode::ALL {
            let response = Response::error(code, "some words here");
            assert_eq!(Response::parse(&response.to_string()), Ok(response));
        }
    }

    #[test]
    fn only_bye_and_fatal_errors_close_the_connection() {
        assert!(Response::Bye.closes_connection());
        assert!(Response::line_too_long().closes_connection());
        assert!(Response::busy(4).closes_connection());
        assert!(Response::timeout(1).closes_connection());
        assert!(Response::shutdown().closes_connection());
        assert!(!Response::wrong_key().closes_connection());
        assert!(!Response::not_open(class(1)).closes_connection());
        assert!(!Response::Authorized.closes_connection());
    }

    #[test]
    fn malformed_responses_are_rejected() {
        for bad in [
            "",
            "WHAT 1",
            "STARTED",
            "STARTED 0 2026-11-24T10:15:03-03:00",
            "STARTED 42 yesterday",
            "ENDED 42 2026-11-24T10:15:03-03:00 2 a",
            "ENDED 42 2026-11-24T10:15:03-03:00 x",
            "PRESENCE 42 2026-11-24T10:15:03-03:00 extra",
            "ERROR nonsense message",
        ] {
            assert!(Response::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
