//! Query text → tokens with byte spans.

use std::ops::Range;

use super::QueryError;
use super::ast::Op;

#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    LParen,
    RParen,
    Or,
    And,
    Not,
    /// `-` directly before a term.
    Minus,
    /// `field op value`; the value may have been quoted.
    Field {
        field: String,
        field_span: Range<usize>,
        op: Op,
        value: String,
        value_span: Range<usize>,
    },
    /// A bare word or a quoted phrase.
    Text(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Range<usize>,
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, '(' | ')' | '"')
}

/// Splits query text into tokens.
pub fn lex(text: &str) -> Result<Vec<Token>, QueryError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        match c {
            '(' | ')' => {
                chars.next();
                let kind = if c == '(' {
                    TokenKind::LParen
                } else {
                    TokenKind::RParen
                };
                tokens.push(Token {
                    kind,
                    span: start..start + 1,
                });
            }
            '"' => {
                let (phrase, end) = quoted(text, start)?;
                tokens.push(Token {
                    kind: TokenKind::Text(phrase),
                    span: start..end,
                });
                skip_to(&mut chars, end);
            }
            '-' => {
                // A `-` that starts a token negates what follows ("e-tool" is one word).
                chars.next();
                tokens.push(Token {
                    kind: TokenKind::Minus,
                    span: start..start + 1,
                });
            }
            _ => {
                let end = word_end(text, start);
                let word = &text[start..end];
                if word.len() > 4 && word[..4].eq_ignore_ascii_case("not:") {
                    // hledger's negation prefix: `not:status:closed` is `not status:closed`.
                    tokens.push(Token {
                        kind: TokenKind::Not,
                        span: start..start + 4,
                    });
                    skip_to(&mut chars, start + 4);
                    continue;
                }
                let token = match word.to_ascii_lowercase().as_str() {
                    "or" => Token {
                        kind: TokenKind::Or,
                        span: start..end,
                    },
                    "and" => Token {
                        kind: TokenKind::And,
                        span: start..end,
                    },
                    "not" => Token {
                        kind: TokenKind::Not,
                        span: start..end,
                    },
                    _ => field_or_text(text, start, end)?,
                };
                let end = token.span.end;
                tokens.push(token);
                skip_to(&mut chars, end);
            }
        }
    }
    Ok(tokens)
}

fn skip_to(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, end: usize) {
    while chars.peek().is_some_and(|&(i, _)| i < end) {
        chars.next();
    }
}

fn word_end(text: &str, start: usize) -> usize {
    text[start..]
        .find(|c: char| !is_word_char(c))
        .map_or(text.len(), |i| start + i)
}

/// A quoted phrase starting at `start` (the opening quote); returns it and the end offset.
fn quoted(text: &str, start: usize) -> Result<(String, usize), QueryError> {
    match text[start + 1..].find('"') {
        Some(i) => Ok((text[start + 1..start + 1 + i].to_string(), start + 2 + i)),
        None => {
            Err(QueryError::new(start..text.len(), "unclosed quote")
                .with_help("add the closing \""))
        }
    }
}

/// `field op value` if the word has a field name followed by an operator, else free text.
fn field_or_text(text: &str, start: usize, end: usize) -> Result<Token, QueryError> {
    let word = &text[start..end];
    let name_len = word
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(word.len());
    let rest = &word[name_len..];
    let op = [
        ("!=", Op::NotEq),
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("<", Op::Lt),
        (">", Op::Gt),
        ("=", Op::Eq),
        (":", Op::Matches),
    ]
    .into_iter()
    .find(|(symbol, _)| rest.starts_with(symbol));
    let Some((symbol, op)) = op.filter(|_| name_len > 0) else {
        return Ok(Token {
            kind: TokenKind::Text(word.to_string()),
            span: start..end,
        });
    };
    let field = word[..name_len].to_ascii_lowercase();
    let field_span = start..start + name_len;
    let value_start = start + name_len + symbol.len();
    let (value, value_end) = if text[value_start..].starts_with('"') {
        quoted(text, value_start)?
    } else {
        (text[value_start..end].to_string(), end)
    };
    if value.is_empty() {
        return Err(QueryError::new(
            start..value_end.max(value_start),
            format!("`{field}{}` needs a value", op.as_str()),
        )
        .with_help(format!(
            "e.g. {field}{}<value>, or quote a phrase: {field}{}\"two words\"",
            op.as_str(),
            op.as_str()
        )));
    }
    Ok(Token {
        kind: TokenKind::Field {
            field,
            field_span,
            op,
            value,
            value_span: value_start..value_end,
        },
        span: start..value_end,
    })
}
