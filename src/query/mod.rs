//! The query language shared by every listing command: `status:open wg:SCOLT`,
//! `session>=35`, `-status:closed`, `topic:srm or topic:ssirs`, `"free text"`.
//!
//! Built like a small compiler: [`lexer`] turns the text into tokens with byte spans, [`parser`]
//! builds an [`ast::Expr`] (precedence: `or` < implicit `and` < `not`/`-`), [`fields`] knows
//! which fields each kind of record has, and [`eval`] resolves names through the registries
//! and tests records. Every error is a [`QueryError`] with the span it is about.

pub mod ast;
pub mod eval;
pub mod fields;
pub mod lexer;
pub mod parser;

use std::ops::Range;

/// A problem in the query text, pointing at the bytes it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub span: Range<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl QueryError {
    pub fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        QueryError {
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Parses query text into an expression; an empty query matches everything.
pub fn parse(text: &str) -> Result<Option<ast::Expr>, QueryError> {
    let tokens = lexer::lex(text)?;
    parser::parse(&tokens)
}
