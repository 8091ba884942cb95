//! The roll call over UDP (placeholder).
