//! Exercise solutions (placeholder).
