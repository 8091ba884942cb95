//! Transcripts: placeholder until issue 5.
