//! The parsed query: plain data with spans.

use std::ops::Range;

/// Comparison operator of a field term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `field:value`: matches (through registries, case-insensitively).
    Matches,
    /// `field=value`: exactly equal (case-insensitively).
    Eq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Matches => ":",
            Op::Eq => "=",
            Op::NotEq => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    /// `field op value`
    Field {
        field: String,
        field_span: Range<usize>,
        op: Op,
        value: String,
        value_span: Range<usize>,
    },
    /// A bare word or quoted phrase: free text.
    Text {
        text: String,
        span: Range<usize>,
    },
}
