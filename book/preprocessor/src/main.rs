//! The book's own mdBook preprocessor. book/book.toml runs it before
//! `links` (which expands the includes) and `gettext` (which translates the
//! prose), for each edition:
//! - a transcript (tests/snapshots/transcripts__*.snap) is included here,
//!   its narration in the edition's language, from book/po/<language>.po;
//!   what was typed, printed and sent stays the bytes the tests recorded;
//! - `{{#include DIR/NAME}}` includes the edition's own `DIR/<language>/NAME`
//!   when there is one (the measuring chapter's tables, written by `bench`).
//!
//! `book-preprocessor heading-ids`, run after `gettext`, leaves the `{#id}`
//! that a translated heading ends with only in the heading: a chapter's
//! title is also its sidebar entry and its page's `<title>`, and a heading's
//! text may also be a table cell's (one message, translated the same).
//!
//! `book-preprocessor narration-pot BOOK_DIR` prints the narration's English
//! text as a POT file: book/po/update.sh and book/build.sh add it to the
//! prose's, so a note without a translation fails the build like prose.

mod chapter;
mod po;
mod transcript;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;

use chapter::Edition;
use po::Catalogue;

const USAGE: &str =
    "usage: book-preprocessor [heading-ids] [supports RENDERER] | book-preprocessor narration-pot BOOK_DIR";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        // mdBook asks first whether the preprocessor works for a renderer.
        ["supports", _renderer] | ["heading-ids", "supports", _renderer] => Ok(()),
        ["narration-pot", book_dir] => print_narration_pot(Path::new(book_dir)),
        [] => preprocess(localise_chapters),
        ["heading-ids"] => preprocess(ids_only_in_headings),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("book-preprocessor: {error}");
            ExitCode::FAILURE
        }
    }
}

/// mdBook's protocol: `[context, book]` as JSON on stdin, the book back on
/// stdout, changed by `change`.
fn preprocess(change: fn(&Value, &mut Value) -> Result<(), String>) -> Result<(), String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|error| format!("cannot read mdBook's input: {error}"))?;
    let input: Value =
        serde_json::from_str(&input).map_err(|error| format!("mdBook's input: {error}"))?;
    let (Some(context), Some(book)) = (input.get(0), input.get(1)) else {
        return Err("mdBook's input is not [context, book]".to_owned());
    };
    let mut book = book.clone();
    change(context, &mut book)?;
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, &book).map_err(|error| error.to_string())?;
    stdout.flush().map_err(|error| error.to_string())
}

/// Each chapter's Markdown as its edition shows it (chapter.rs).
fn localise_chapters(context: &Value, book: &mut Value) -> Result<(), String> {
    let root = PathBuf::from(context["root"].as_str().unwrap_or("."));
    let config = &context["config"];
    let source_dir = root.join(config["book"]["src"].as_str().unwrap_or("src"));
    let language = config["book"]["language"].as_str().unwrap_or("en");
    let po_dir = config["preprocessor"]["gettext"]["po-dir"]
        .as_str()
        .unwrap_or("po");
    let edition = Edition {
        language: language.to_owned(),
        catalogue: Catalogue::load(&root.join(po_dir).join(format!("{language}.po")))?,
    };
    for_each_chapter(book, &mut |chapter| {
        let Some(path) = chapter["path"].as_str() else {
            return Ok(()); // a draft chapter has no file, nor content
        };
        let chapter_dir = source_dir.join(path).parent().map(Path::to_path_buf);
        let chapter_dir = chapter_dir.unwrap_or_else(|| source_dir.clone());
        let content = chapter["content"].as_str().unwrap_or_default();
        let localised = chapter::localise(content, &chapter_dir, &edition)
            .map_err(|error| format!("{path}: {error}"))?;
        chapter["content"] = Value::String(localised);
        Ok(())
    })
}

/// Every chapter's name, and every part's title, without a heading id, and
/// every chapter's Markdown with ids only at the end of its headings.
fn ids_only_in_headings(_context: &Value, book: &mut Value) -> Result<(), String> {
    without_heading_ids(book);
    for_each_chapter(book, &mut |chapter| {
        if let Some(content) = chapter["content"].as_str() {
            chapter["content"] = Value::String(chapter::ids_only_in_headings(content));
        }
        Ok(())
    })
}

/// Takes the ids out of the names in `value`: a chapter's `name` and
/// `parent_names`, and a part's title.
fn without_heading_ids(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                match (key.as_str(), field) {
                    ("name" | "PartTitle", Value::String(name)) => {
                        *name = chapter::without_heading_id(name).to_owned();
                    }
                    ("parent_names", Value::Array(names)) => {
                        for name in names.iter_mut() {
                            if let Value::String(name) = name {
                                *name = chapter::without_heading_id(name).to_owned();
                            }
                        }
                    }
                    (_, field) => without_heading_ids(field),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(without_heading_ids),
        _ => {}
    }
}

/// Calls `visit` on every chapter of the book, sub-chapters included.
fn for_each_chapter(
    value: &mut Value,
    visit: &mut impl FnMut(&mut Value) -> Result<(), String>,
) -> Result<(), String> {
    match value {
        Value::Object(fields) => {
            if let Some(chapter) = fields.get_mut("Chapter") {
                visit(chapter)?;
            }
            for field in fields.values_mut() {
                for_each_chapter(field, visit)?;
            }
        }
        Value::Array(items) => {
            for item in items {
                for_each_chapter(item, visit)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Prints a POT file of every note and stage direction in the transcripts
/// that the chapters in `BOOK_DIR/src` include, each once, with the
/// transcript lines it comes from.
fn print_narration_pot(book_dir: &Path) -> Result<(), String> {
    let source_dir = book_dir.join("src");
    let repository = book_dir
        .canonicalize()
        .map_err(|error| format!("{}: {error}", book_dir.display()))?
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();

    let mut messages: Vec<(String, Vec<String>)> = Vec::new();
    let mut known: HashMap<String, usize> = HashMap::new();
    for chapter in markdown_files(&source_dir)? {
        let markdown = std::fs::read_to_string(&chapter)
            .map_err(|error| format!("cannot read {}: {error}", chapter.display()))?;
        let chapter_dir = chapter.parent().unwrap_or(&source_dir);
        for transcript in chapter::transcripts(&markdown, chapter_dir)? {
            let file = transcript.file.canonicalize().unwrap_or(transcript.file);
            let shown = file.strip_prefix(&repository).unwrap_or(&file);
            let shown = shown.to_string_lossy().replace('\\', "/");
            for (line, english) in transcript::narration(&transcript.text) {
                let place = format!("{shown}:{}", transcript.first_line + line - 1);
                let index = *known.entry(english.clone()).or_insert_with(|| {
                    messages.push((english, Vec::new()));
                    messages.len() - 1
                });
                if !messages[index].1.contains(&place) {
                    messages[index].1.push(place);
                }
            }
        }
    }

    let mut pot = String::from(
        "# The narration of the transcripts the book includes (book/preprocessor).\n\
         msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n",
    );
    for (english, places) in &messages {
        pot.push_str("\n#. Transcript narration: translate it; the transcript's other lines stay as they are.\n");
        pot.push_str(&format!("#: {}\n", places.join(" ")));
        pot.push_str(&format!("msgid {}\nmsgstr \"\"\n", po::quote(english)));
    }
    std::io::stdout()
        .write_all(pot.as_bytes())
        .map_err(|error| error.to_string())
}

/// The `.md` files under `dir`, in a stable order.
fn markdown_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let entries = std::fs::read_dir(dir)
        .map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(markdown_files(&path)?);
        } else if path.extension().is_some_and(|extension| extension == "md") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
