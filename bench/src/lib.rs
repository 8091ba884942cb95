//! The benchmark tools (placeholder).
