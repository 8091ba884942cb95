//! The identifiers the protocol carries: classes, students and teacher keys.
//!
//! Each one is a small type that can only hold a valid value, so once a
//! request is parsed nothing further down (the roll-call state, the
//! registry) ever has to check it again.

use std::fmt;

/// A class (turma): a number from 1 to 4294967295.
///
/// `0` is not a class; on the wire it means "refused", so it has no
/// `ClassId` and the refusal is spelled out in [`crate::Response`] instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClassId(u32);

impl ClassId {
    /// Reads a class as the protocol writes it: decimal digits only, leading
    /// zeros allowed (`007` is class 7), no sign, not zero.
    pub fn parse(token: &str) -> Option<ClassId> {
        if token.is_empty() || !token.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Trimming the zeros first lets "0000000000042" through without
        // overflowing, while "4294967296" still fails to fit in a u32.
        let digits = token.trim_start_matches('0');
        let number: u32 = digits.parse().ok()?;
        ClassId::new(number)
    }

    /// A class from a number, or `None` for 0.
    pub fn new(number: u32) -> Option<ClassId> {
        (number != 0).then_some(ClassId(number))
    }

    /// The class as a plain number.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for ClassId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A student id (matrícula): 1 to 32 ASCII letters or digits, kept exactly
/// as typed. `042191010` and `42191010` are two different students.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StudentId(String);

impl StudentId {
    /// The longest student id the protocol accepts.
    pub const MAX_LEN: usize = 32;

    /// Accepts a token only if it is a valid student id.
    pub fn parse(token: &str) -> Option<StudentId> {
        let valid_length = (1..=Self::MAX_LEN).contains(&token.len());
        let valid_chars = token.bytes().all(|b| b.is_ascii_alphanumeric());
        (valid_length && valid_chars).then(|| StudentId(token.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StudentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A teacher key as sent in `AUTH <key>`: 1 to 64 printable ASCII
/// characters, no spaces.
///
/// `Debug` never prints the key itself, so a key cannot leak into a log
/// line or a panic message by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct TeacherKey(String);

impl TeacherKey {
    /// The longest key the protocol accepts.
    pub const MAX_LEN: usize = 64;

    /// The shortest key a server accepts as its own: a key that can be
    /// guessed in a few thousand tries protects nothing.
    pub const MIN_SERVER_LEN: usize = 8;

    /// Accepts a key only if it has the protocol's form.
    pub fn parse(text: &str) -> Option<TeacherKey> {
        let valid_length = (1..=Self::MAX_LEN).contains(&text.len());
        let valid_chars = text.bytes().all(|b| b.is_ascii_graphic());
        (valid_length && valid_chars).then(|| TeacherKey(text.to_owned()))
    }

    /// The key's bytes, for a comparison (use a constant-time one).
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The key as text, to send it in an `AUTH` request.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TeacherKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TeacherKey(<hidden>)")
    }
}

// ANCHOR: key_parser
/// Lets clap read a key from the command line or the environment without
/// ever printing it.
///
/// clap's usual error for a bad value quotes the value (`invalid value
/// 'my key' for ...`), which for a key would put the secret on screen and
/// in every log the output is pasted into. With this, any `TeacherKey`
/// option gets a message naming the option and the rule, never the value
/// (a `FromStr` would have clap quote it, so there deliberately is none).
impl clap::builder::ValueParserFactory for TeacherKey {
    type Parser = KeyParser;

    fn value_parser() -> KeyParser {
        KeyParser { min_len: 1 }
    }
}

/// Reads a [`TeacherKey`] for clap; a refusal never contains the value.
#[derive(Clone, Copy, Debug)]
pub struct KeyParser {
    /// The fewest characters it accepts.
    min_len: usize,
}

impl KeyParser {
    /// The parser for a server's own key, which must be at least
    /// [`TeacherKey::MIN_SERVER_LEN`] characters long (a client may send
    /// any valid key: a wrong one is simply refused).
    pub fn for_servers() -> KeyParser {
        KeyParser {
            min_len: TeacherKey::MIN_SERVER_LEN,
        }
    }
}

impl clap::builder::TypedValueParser for KeyParser {
    type Value = TeacherKey;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<TeacherKey, clap::Error> {
        // A value that is not UTF-8 cannot be printable ASCII either.
        let key = value.to_str().and_then(TeacherKey::parse);
        if let Some(key) = key.filter(|key| key.0.len() >= self.min_len) {
            return Ok(key);
        }
        let option = match arg {
            Some(arg) => match arg.get_env() {
                Some(env) => format!("'{arg}' (or {})", env.to_string_lossy()),
                None => format!("'{arg}'"),
            },
            None => "the teacher key".to_owned(),
        };
        let message = format!(
            "invalid value for {option}: a teacher key is {} to {} printable ASCII characters \
             without spaces (the value is not shown: it is a secret)",
            self.min_len,
            TeacherKey::MAX_LEN
        );
        Err(cmd
            .clone()
            .error(clap::error::ErrorKind::ValueValidation, message))
    }
}
// ANCHOR_END: key_parser

/// Lets command-line parsers (clap) read a class, with the protocol's rule
/// as the error message.
impl std::str::FromStr for ClassId {
    type Err = String;

    fn from_str(text: &str) -> Result<ClassId, String> {
        ClassId::parse(text)
            .ok_or_else(|| format!("a class is a whole number from 1 to {}", u32::MAX))
    }
}

/// Lets command-line parsers (clap) read a student id.
impl std::str::FromStr for StudentId {
    type Err = String;

    fn from_str(text: &str) -> Result<StudentId, String> {
        StudentId::parse(text).ok_or_else(|| {
            format!(
                "a student id is 1 to {} letters or digits",
                StudentId::MAX_LEN
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_accept_digits_with_leading_zeros() {
        assert_eq!(ClassId::parse("42").map(ClassId::get), Some(42));
        assert_eq!(ClassId::parse("007").map(ClassId::get), Some(7));
        assert_eq!(
            ClassId::parse("0000000000000000000042").map(ClassId::get),
            Some(42)
        );
        assert_eq!(
            ClassId::parse("4294967295").map(ClassId::get),
            Some(u32::MAX)
        );
        assert_eq!(ClassId::parse("1").map(ClassId::get), Some(1));
    }

    #[test]
    fn classes_reject_zero_signs_overflow_and_non_digits() {
        for bad in [
            "0",
            "000",
            "",
            "4294967296",
            "99999999999",
            "+7",
            "-7",
            "7a",
            "4 2",
            "٣",
            "0x10",
            "1.0",
        ] {
            assert_eq!(ClassId::parse(bad), None, "{bad:?} should be rejected");
        }
    }

    #[test]
    fn students_are_kept_verbatim_and_case_sensitive() {
        let id = StudentId::parse("042191010").unwrap();
        assert_eq!(id.as_str(), "042191010");
        assert_ne!(StudentId::parse("42191010"), Some(id));
        assert_ne!(StudentId::parse("abc"), StudentId::parse("ABC"));
        assert!(StudentId::parse(&"a".repeat(32)).is_some());
    }

    #[test]
    fn students_reject_empty_long_and_punctuated_ids() {
        for bad in ["", &"a".repeat(33), "a-b", "a b", "ção", "a_b", "1.2"] {
            assert_eq!(StudentId::parse(bad), None, "{bad:?} should be rejected");
        }
    }

    #[test]
    fn keys_are_printable_ascii_and_never_debug_printed() {
        let key = TeacherKey::parse("s3cret!#").unwrap();
        assert_eq!(format!("{key:?}"), "TeacherKey(<hidden>)");
        assert!(TeacherKey::parse(&"k".repeat(64)).is_some());
        for bad in ["", &"k".repeat(65), "with space", "tab\there", "é"] {
            assert!(
                TeacherKey::parse(bad).is_none(),
                "{bad:?} should be rejected"
            );
        }
    }
}
