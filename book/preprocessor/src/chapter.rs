//! What the preprocessor changes in a chapter's Markdown: its
//! `{{#include ...}}` lines, before mdBook's `links` expands them.

use std::path::{Path, PathBuf};

use crate::po::Catalogue;
use crate::transcript;

/// The edition being built: its language (`en`, `pt-BR`) and the
/// translations of that language (none for English).
pub struct Edition {
    pub language: String,
    pub catalogue: Catalogue,
}

/// The HTML comment that tells mdbook-i18n-helpers to leave the next block
/// alone: a transcript is never one message to translate whole; its
/// narration is translated here, one note at a time.
const SKIP_TRANSLATION: &str = "<!-- i18n:skip -->";

/// `markdown`, a chapter in `chapter_dir`, as `edition` shows it:
/// - a transcript's include is replaced by the transcript, its narration
///   translated, and its code block marked for mdbook-gettext to skip;
/// - an include of `DIR/NAME` includes `DIR/<language>/NAME` instead when
///   that file exists (e.g. `measuring/pt-BR/table.txt`).
///
/// Every other line is left as it is.
pub fn localise(markdown: &str, chapter_dir: &Path, edition: &Edition) -> Result<String, String> {
    let mut output: Vec<String> = Vec::new();
    let mut fence: Option<Fence> = None;
    for line in markdown.split('\n') {
        if let Some(open) = &fence {
            if open.is_closed_by(line) {
                fence = None;
            }
        } else if let Some(opened) = Fence::opened_by(line, output.len()) {
            fence = Some(opened);
        }
        let Some(target) = include_target(line) else {
            output.push(line.to_owned());
            continue;
        };
        let include = Include::parse(target);
        if include.is_transcript() {
            let text = include.read(chapter_dir)?;
            if include.is_narrated_in_english() {
                output.push(transcript::narrate(&text, |english| {
                    edition.catalogue.get(english)
                }));
            } else {
                output.push(text);
            }
            if let Some(open) = &mut fence {
                open.mark_to_skip(&mut output);
            }
        } else {
            let path = localised_path(include.path, chapter_dir, &edition.language);
            output.push(line.replacen(include.path, &path, 1));
        }
    }
    Ok(output.join("\n"))
}

/// The transcripts `markdown` includes, read from `chapter_dir`: each one's
/// file and text, and the line of the file where the included text starts.
pub fn transcripts(markdown: &str, chapter_dir: &Path) -> Result<Vec<Transcript>, String> {
    let mut found = Vec::new();
    for target in markdown.lines().filter_map(include_target) {
        let include = Include::parse(target);
        if include.is_transcript() && include.is_narrated_in_english() {
            found.push(Transcript {
                file: chapter_dir.join(include.path),
                first_line: include.first_line()?,
                text: include.read(chapter_dir)?,
            });
        }
    }
    Ok(found)
}

/// A transcript included by a chapter.
pub struct Transcript {
    pub file: PathBuf,
    pub first_line: usize,
    pub text: String,
}

/// `name` without the ` {#id}` a translated heading ends with.
pub fn without_heading_id(name: &str) -> &str {
    match name.rfind(" {#") {
        Some(start) if name.ends_with('}') => &name[..start],
        _ => name,
    }
}

/// `markdown` with a heading id (` {#id}`) left only where it belongs, at
/// the end of a heading. A translated heading ends with its id, and a
/// message is translated the same everywhere: when a table cell or a list
/// item has the same English text as a heading (`bug-01`), its translation
/// brings the id along.
pub fn ids_only_in_headings(markdown: &str) -> String {
    let mut fence: Option<Fence> = None;
    let lines: Vec<String> = markdown
        .split('\n')
        .enumerate()
        .map(|(index, line)| {
            if let Some(open) = &fence {
                if open.is_closed_by(line) {
                    fence = None;
                }
                return line.to_owned();
            }
            if let Some(opened) = Fence::opened_by(line, index) {
                fence = Some(opened);
                return line.to_owned();
            }
            if line.trim_start().starts_with('#') {
                return line.to_owned(); // a heading: its id is its own
            }
            without_any_heading_id(line)
        })
        .collect();
    lines.join("\n")
}

/// `line` without any ` {#id}` in it.
fn without_any_heading_id(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find(" {#") {
        let after = &rest[start + 3..];
        let id_length = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(after.len());
        if id_length > 0 && after[id_length..].starts_with('}') {
            out.push_str(&rest[..start]);
            rest = &after[id_length + 1..];
        } else {
            out.push_str(&rest[..start + 3]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// `{{#include TARGET}}` on a line of its own, as the book writes them.
fn include_target(line: &str) -> Option<&str> {
    let target = line
        .trim()
        .strip_prefix("{{#include ")?
        .strip_suffix("}}")?;
    Some(target.trim())
}

/// An include's file and, after the first `:`, its lines or anchor.
struct Include<'a> {
    path: &'a str,
    range: &'a str,
}

impl<'a> Include<'a> {
    fn parse(target: &'a str) -> Include<'a> {
        let (path, range) = target.split_once(':').unwrap_or((target, ""));
        Include { path, range }
    }

    /// A snapshot of `tests/transcripts.rs` (the harness narrates those).
    fn is_transcript(&self) -> bool {
        Path::new(self.path)
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.starts_with("transcripts__") && name.ends_with(".snap"))
    }

    /// A transcript recorded in Portuguese (`..._pt_br.snap`: the programs
    /// ran in pt_BR, and its notes were written in Portuguese) is shown as
    /// it is in both editions; every other transcript is narrated in
    /// English and translated.
    fn is_narrated_in_english(&self) -> bool {
        !self.path.ends_with("_pt_br.snap")
    }

    /// The first line included (1-based). Transcripts are included whole or
    /// from a line on (`:5:`, after insta's header); anything else is a
    /// mistake to report, not to guess at.
    fn first_line(&self) -> Result<usize, String> {
        if self.range.is_empty() {
            return Ok(1);
        }
        self.range
            .strip_suffix(':')
            .and_then(|start| start.parse::<usize>().ok())
            .filter(|&start| start > 0)
            .ok_or_else(|| {
                format!(
                    "{{{{#include {}:{}}}}}: a transcript is included whole or from a line on (`:5:`)",
                    self.path, self.range
                )
            })
    }

    /// The included lines, joined as mdBook joins them.
    fn read(&self, chapter_dir: &Path) -> Result<String, String> {
        let file = chapter_dir.join(self.path);
        let text = std::fs::read_to_string(&file)
            .map_err(|error| format!("cannot read {}: {error}", file.display()))?;
        let lines: Vec<&str> = text.lines().skip(self.first_line()? - 1).collect();
        Ok(lines.join("\n"))
    }
}

/// `path`, or the edition's own copy of it, `DIR/<language>/NAME`, when
/// that file exists.
fn localised_path(path: &str, chapter_dir: &Path, language: &str) -> String {
    let original = Path::new(path);
    let (Some(dir), Some(name)) = (original.parent(), original.file_name()) else {
        return path.to_owned();
    };
    let own = dir.join(language).join(name);
    match own.to_str() {
        Some(own) if chapter_dir.join(own).is_file() => own.replace('\\', "/"),
        _ => path.to_owned(),
    }
}

/// An open fenced code block: where its opening line is in the output, and
/// its marker (```` ``` ```` or `~~~`, at least three).
struct Fence {
    opening: usize,
    marker: String,
    marked: bool,
}

impl Fence {
    fn opened_by(line: &str, index: usize) -> Option<Fence> {
        let trimmed = line.trim_start();
        let marker_char = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
        let length = trimmed.chars().take_while(|c| *c == marker_char).count();
        (length >= 3).then(|| Fence {
            opening: index,
            marker: marker_char.to_string().repeat(length),
            marked: false,
        })
    }

    fn is_closed_by(&self, line: &str) -> bool {
        let trimmed = line.trim();
        trimmed.starts_with(&self.marker) && trimmed.chars().all(|c| self.marker.starts_with(c))
    }

    /// Puts the skip comment before the block's opening line, once: on the
    /// blank line above it when there is one, so that the chapter keeps its
    /// line numbers (pt-BR.po's references to it stay as they are).
    fn mark_to_skip(&mut self, output: &mut Vec<String>) {
        if self.marked {
            return;
        }
        let indent: String = output[self.opening]
            .chars()
            .take_while(|c| c.is_whitespace())
            .collect();
        let comment = format!("{indent}{SKIP_TRANSLATION}");
        match self.opening.checked_sub(1) {
            Some(above) if output[above].trim().is_empty() => output[above] = comment,
            _ => {
                output.insert(self.opening, comment);
                self.opening += 1;
            }
        }
        self.marked = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edition(language: &str, po: &str) -> Edition {
        Edition {
            language: language.to_owned(),
            catalogue: Catalogue::parse(po),
        }
    }

    /// A chapter folder holding a transcript and a table with a Portuguese copy.
    fn chapter_dir(test: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("book-preprocessor-{}-{test}", std::process::id()));
        std::fs::create_dir_all(dir.join("snaps")).unwrap();
        std::fs::create_dir_all(dir.join("measuring/pt-BR")).unwrap();
        std::fs::write(
            dir.join("snaps/transcripts__story.snap"),
            "---\nheader\n---\n# A student answers.\n\nPRESENT 042191010 42\n",
        )
        .unwrap();
        std::fs::write(dir.join("measuring/table.txt"), "1,000\n").unwrap();
        std::fs::write(dir.join("measuring/pt-BR/table.txt"), "1.000\n").unwrap();
        dir
    }

    const CHAPTER: &str =
        "Here:\n\n```text\n{{#include snaps/transcripts__story.snap:4:}}\n```\n\n\
        ```text\n{{#include measuring/table.txt}}\n```\n";

    #[test]
    fn a_transcript_is_included_with_its_narration_translated_and_skipped_by_gettext() {
        let po = "msgid \"A student answers.\"\nmsgstr \"Um aluno responde.\"\n";
        let shown = localise(
            CHAPTER,
            &chapter_dir("a_transcript_is_incl"),
            &edition("pt-BR", po),
        )
        .unwrap();
        assert_eq!(
            shown,
            "Here:\n<!-- i18n:skip -->\n```text\n# Um aluno responde.\n\nPRESENT 042191010 42\n```\n\n\
            ```text\n{{#include measuring/pt-BR/table.txt}}\n```\n"
        );
    }

    #[test]
    fn the_english_edition_shows_the_transcript_and_files_as_they_are() {
        let shown = localise(
            CHAPTER,
            &chapter_dir("the_english_edition_"),
            &edition("en", ""),
        )
        .unwrap();
        assert!(shown.contains("```text\n# A student answers.\n\nPRESENT 042191010 42\n```"));
        assert!(shown.contains("{{#include measuring/table.txt}}"));
    }

    #[test]
    fn a_transcript_recorded_in_portuguese_is_shown_as_it_is() {
        let dir = chapter_dir("a_transcript_recorded");
        std::fs::write(
            dir.join("snaps/transcripts__menu_pt_br.snap"),
            "---\nheader\n---\n# Uma aluna responde.\n",
        )
        .unwrap();
        let chapter = "```text\n{{#include snaps/transcripts__menu_pt_br.snap:4:}}\n```\n";
        let po = "msgid \"Uma aluna responde.\"\nmsgstr \"Wrong.\"\n";
        let shown = localise(chapter, &dir, &edition("pt-BR", po)).unwrap();
        assert_eq!(
            shown,
            "<!-- i18n:skip -->\n```text\n# Uma aluna responde.\n```\n"
        );
        assert!(
            transcripts(chapter, &dir).unwrap().is_empty(),
            "nothing to translate"
        );
    }

    #[test]
    fn a_transcript_included_by_anchor_is_refused() {
        let chapter = "```text\n{{#include snaps/transcripts__story.snap:scene}}\n```\n";
        let error = localise(
            chapter,
            &chapter_dir("a_transcript_include"),
            &edition("en", ""),
        )
        .unwrap_err();
        assert!(error.contains("from a line on"), "{error}");
    }

    #[test]
    fn a_chapter_name_loses_its_heading_id_and_nothing_else() {
        assert_eq!(without_heading_id("Sockets {#sockets}"), "Sockets");
        assert_eq!(
            without_heading_id("Passo 4: encerramento {#step-4}"),
            "Passo 4: encerramento"
        );
        assert_eq!(without_heading_id("Sockets"), "Sockets");
        assert_eq!(without_heading_id("Um {#a} no meio"), "Um {#a} no meio");
    }

    #[test]
    fn a_heading_keeps_its_id_and_a_table_cell_with_the_same_text_loses_it() {
        let translated = "### bug-01 {#bug-01}\n\n| bug-01 {#bug-01} | enquadramento |\n\
            - bug-02 {#bug-02}\n\n```text\nformat!(\"{#x}\") {#kept}\n```\n{{#include a.rs}}\n";
        assert_eq!(
            ids_only_in_headings(translated),
            "### bug-01 {#bug-01}\n\n| bug-01 | enquadramento |\n- bug-02\n\n\
            ```text\nformat!(\"{#x}\") {#kept}\n```\n{{#include a.rs}}\n"
        );
    }

    #[test]
    fn finds_the_transcripts_a_chapter_includes() {
        let found = transcripts(CHAPTER, &chapter_dir("finds_the_transcript")).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].first_line, 4);
        assert!(found[0].text.starts_with("# A student answers."));
    }
}
