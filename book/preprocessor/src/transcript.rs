//! A transcript's narration, and the transcript told in another language.
//!
//! A transcript (tests/snapshots/transcripts__*.snap) has three kinds of
//! lines. The narrator's notes are `# ` lines, one note wrapped over as many
//! lines as it needs (tests/harness/transcript.rs, `note`). Stage
//! directions are whole lines in parentheses, written by the test harness:
//! `(the server closes the connection)`. Everything else is what a person
//! typed, what a program printed or what crossed the wire, and it stays
//! byte for byte the same in every edition, as the tests recorded it.

/// Notes are wrapped the way the test harness wraps them.
const NOTE_WIDTH: usize = 76;
const NOTE_PREFIX: &str = "# ";

/// One piece of a transcript.
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    /// A line kept as it is.
    Verbatim(&'a str),
    /// A note: its lines, without their `# `, and where it starts (1-based).
    Note { line: usize, lines: Vec<&'a str> },
    /// A stage direction, parentheses included, and its line.
    Stage { line: usize, text: &'a str },
}

fn is_stage_direction(line: &str) -> bool {
    line.starts_with('(') && line.ends_with(')')
}

/// Splits `text` into pieces that, joined by newlines, give it back.
fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        let number = index + 1;
        if let Some(words) = line.strip_prefix(NOTE_PREFIX) {
            match pieces.last_mut() {
                Some(Piece::Note { lines, .. }) => lines.push(words),
                _ => pieces.push(Piece::Note {
                    line: number,
                    lines: vec![words],
                }),
            }
        } else if is_stage_direction(line) {
            pieces.push(Piece::Stage {
                line: number,
                text: line,
            });
        } else {
            pieces.push(Piece::Verbatim(line));
        }
    }
    pieces
}

/// The English text of each note and stage direction, with the line (in
/// `text`, 1-based) where it starts: the messages a translator translates.
/// A note is one message, its lines joined by spaces, as it was written.
pub fn narration(text: &str) -> Vec<(usize, String)> {
    pieces(text)
        .into_iter()
        .filter_map(|piece| match piece {
            Piece::Verbatim(_) => None,
            Piece::Note { line, lines } => Some((line, lines.join(" "))),
            Piece::Stage { line, text } => Some((line, text.to_owned())),
        })
        .collect()
}

/// `text` with each note and stage direction that `translate` knows in its
/// translation (notes wrapped again), and every other line unchanged.
pub fn narrate<'t>(text: &str, translate: impl Fn(&str) -> Option<&'t str>) -> String {
    let lines: Vec<String> = pieces(text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Verbatim(line) => line.to_owned(),
            Piece::Note { lines, .. } => {
                let english = lines.join(" ");
                match translate(&english) {
                    Some(translation) => wrap(translation, NOTE_PREFIX, NOTE_WIDTH),
                    None => lines
                        .iter()
                        .map(|line| format!("{NOTE_PREFIX}{line}"))
                        .collect::<Vec<_>>()
                        .join("\n"),
                }
            }
            Piece::Stage { text, .. } => translate(text).unwrap_or(text).to_owned(),
        })
        .collect();
    lines.join("\n")
}

/// `text` in lines of at most `width` characters, each starting with
/// `prefix` (a word longer than a line gets a line of its own).
fn wrap(text: &str, prefix: &str, width: usize) -> String {
    let room = width - prefix.chars().count();
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let needed = line.chars().count() + 1 + word.chars().count();
        if !line.is_empty() && needed > room {
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

#[cfg(test)]
mod tests {
    use super::*;

    const SCENE: &str = "server $ lesson-03-final\n\
        \n\
        # Nobody has ended the roll calls when the server is stopped with\n\
        # SIGTERM.\n\
        \n\
        < ERROR shutdown the server is shutting down; goodbye\n\
        (the server closes the connection)\n\
        server | 2 roll calls still open at shutdown\n";

    #[test]
    fn finds_each_note_whole_and_each_stage_direction() {
        assert_eq!(
            narration(SCENE),
            vec![
                (
                    3,
                    "Nobody has ended the roll calls when the server is stopped with SIGTERM."
                        .to_owned()
                ),
                (7, "(the server closes the connection)".to_owned()),
            ]
        );
    }

    #[test]
    fn with_no_translation_the_transcript_is_unchanged_to_the_byte() {
        assert_eq!(narrate(SCENE, |_| None), SCENE);
    }

    #[test]
    fn translates_the_narration_and_nothing_else() {
        let told = narrate(SCENE, |english| match english {
            "(the server closes the connection)" => Some("(o servidor fecha a conexão)"),
            _ => Some("Ninguém encerrou as chamadas quando o servidor recebe SIGTERM."),
        });
        assert_eq!(
            told,
            "server $ lesson-03-final\n\
            \n\
            # Ninguém encerrou as chamadas quando o servidor recebe SIGTERM.\n\
            \n\
            < ERROR shutdown the server is shutting down; goodbye\n\
            (o servidor fecha a conexão)\n\
            server | 2 roll calls still open at shutdown\n"
        );
    }

    #[test]
    fn wraps_a_translated_note_as_the_harness_does() {
        let long = "palavra ".repeat(20);
        let wrapped = wrap(&long, "# ", 30);
        assert!(wrapped.lines().all(|line| line.chars().count() <= 30));
        assert!(wrapped.lines().all(|line| line.starts_with("# ")));
        assert_eq!(wrapped.lines().count(), 7, "{wrapped}");
        // Accented letters count as one character each.
        assert_eq!(wrap("ação ação", "# ", 11), "# ação ação");
    }
}
