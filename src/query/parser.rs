//! Tokens → expression. Grammar (lowest precedence first):
//!
//! ```text
//! query   = or?
//! or      = and ("or" and)*
//! and     = unary (("and")? unary)*      juxtaposition means "and"
//! unary   = ("not" | "-") unary | primary
//! primary = "(" or ")" | field-term | text
//! ```

use super::QueryError;
use super::ast::Expr;
use super::lexer::{Token, TokenKind};

/// Parses tokens; `None` for an empty query.
pub fn parse(tokens: &[Token]) -> Result<Option<Expr>, QueryError> {
    if tokens.is_empty() {
        return Ok(None);
    }
    let mut parser = Parser {
        tokens,
        position: 0,
    };
    let expr = parser.or()?;
    if let Some(token) = parser.peek() {
        return Err(match token.kind {
            TokenKind::RParen => QueryError::new(token.span.clone(), "unmatched `)`")
                .with_help("remove it, or add the `(` it closes"),
            _ => QueryError::new(token.span.clone(), "unexpected token"),
        });
    }
    Ok(Some(expr))
}

struct Parser<'t> {
    tokens: &'t [Token],
    position: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position)
    }

    fn next(&mut self) -> Option<&Token> {
        let token = self.tokens.get(self.position);
        self.position += 1;
        token
    }

    fn end_span(&self) -> std::ops::Range<usize> {
        let end = self.tokens.last().map_or(0, |t| t.span.end);
        end..end
    }

    fn or(&mut self) -> Result<Expr, QueryError> {
        let mut items = vec![self.and()?];
        while self.peek().is_some_and(|t| t.kind == TokenKind::Or) {
            let or = self.next().cloned().unwrap();
            if self
                .peek()
                .is_none_or(|t| matches!(t.kind, TokenKind::RParen | TokenKind::Or))
            {
                return Err(QueryError::new(or.span, "`or` needs a term on both sides"));
            }
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap()
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, QueryError> {
        let mut items = vec![self.unary()?];
        loop {
            match self.peek().map(|t| &t.kind) {
                None | Some(TokenKind::Or | TokenKind::RParen) => break,
                Some(TokenKind::And) => {
                    let and = self.next().cloned().unwrap();
                    if self.peek().is_none_or(|t| {
                        matches!(t.kind, TokenKind::RParen | TokenKind::Or | TokenKind::And)
                    }) {
                        return Err(QueryError::new(
                            and.span,
                            "`and` needs a term on both sides",
                        ));
                    }
                }
                Some(_) => {}
            }
            items.push(self.unary()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap()
        } else {
            Expr::And(items)
        })
    }

    fn unary(&mut self) -> Result<Expr, QueryError> {
        if let Some(token) = self
            .peek()
            .filter(|t| matches!(t.kind, TokenKind::Not | TokenKind::Minus))
            .cloned()
        {
            self.next();
            if self.peek().is_none_or(|t| {
                matches!(t.kind, TokenKind::RParen | TokenKind::Or | TokenKind::And)
            }) {
                return Err(QueryError::new(token.span, "nothing to negate")
                    .with_help("write e.g. -status:closed or not status:closed"));
            }
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, QueryError> {
        let Some(token) = self.next().cloned() else {
            return Err(QueryError::new(
                self.end_span(),
                "query ends where a term was expected",
            ));
        };
        match token.kind {
            TokenKind::LParen => {
                if self.peek().is_some_and(|t| t.kind == TokenKind::RParen) {
                    return Err(QueryError::new(
                        token.span.start..self.peek().unwrap().span.end,
                        "empty parentheses",
                    ));
                }
                let inner = self.or()?;
                match self.next() {
                    Some(t) if t.kind == TokenKind::RParen => Ok(inner),
                    _ => Err(QueryError::new(token.span, "unclosed `(`")
                        .with_help("add the closing `)`")),
                }
            }
            TokenKind::Field {
                field,
                field_span,
                op,
                value,
                value_span,
            } => Ok(Expr::Field {
                field,
                field_span,
                op,
                value,
                value_span,
            }),
            TokenKind::Text(text) => Ok(Expr::Text {
                text,
                span: token.span,
            }),
            TokenKind::RParen => Err(QueryError::new(token.span, "unmatched `)`")
                .with_help("remove it, or add the `(` it closes")),
            TokenKind::Or | TokenKind::And => Err(QueryError::new(
                token.span,
                format!(
                    "`{}` needs a term before it",
                    if token.kind == TokenKind::Or {
                        "or"
                    } else {
                        "and"
                    }
                ),
            )),
            TokenKind::Not | TokenKind::Minus => unreachable!("handled in unary"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::ast::Op;
    use super::super::parse as parse_text;
    use super::*;

    fn field(f: &str, op: Op, v: &str) -> Expr {
        match parse_text(&format!("{f}{}{v}", op.as_str()))
            .unwrap()
            .unwrap()
        {
            Expr::Field {
                field, op, value, ..
            } => Expr::Field {
                field,
                field_span: 0..0,
                op,
                value,
                value_span: 0..0,
            },
            other => other,
        }
    }

    /// The expression with spans cleared, for structural comparison.
    fn shape(text: &str) -> Expr {
        fn strip(e: Expr) -> Expr {
            match e {
                Expr::And(items) => Expr::And(items.into_iter().map(strip).collect()),
                Expr::Or(items) => Expr::Or(items.into_iter().map(strip).collect()),
                Expr::Not(inner) => Expr::Not(Box::new(strip(*inner))),
                Expr::Field {
                    field, op, value, ..
                } => Expr::Field {
                    field,
                    field_span: 0..0,
                    op,
                    value,
                    value_span: 0..0,
                },
                Expr::Text { text, .. } => Expr::Text { text, span: 0..0 },
            }
        }
        strip(parse_text(text).unwrap().unwrap())
    }

    fn text(t: &str) -> Expr {
        Expr::Text {
            text: t.into(),
            span: 0..0,
        }
    }

    #[test]
    fn juxtaposition_is_and_and_binds_tighter_than_or() {
        assert_eq!(
            shape("status:open wg:scolt or topic:srm"),
            Expr::Or(vec![
                Expr::And(vec![
                    field("status", Op::Matches, "open"),
                    field("wg", Op::Matches, "scolt")
                ]),
                field("topic", Op::Matches, "srm"),
            ])
        );
        assert_eq!(shape("a AND b"), shape("a b"));
    }

    #[test]
    fn parentheses_override_precedence() {
        assert_eq!(
            shape("status:open (wg:scolt or topic:srm)"),
            Expr::And(vec![
                field("status", Op::Matches, "open"),
                Expr::Or(vec![
                    field("wg", Op::Matches, "scolt"),
                    field("topic", Op::Matches, "srm")
                ]),
            ])
        );
    }

    #[test]
    fn three_negation_forms_are_the_same() {
        let expected = Expr::Not(Box::new(field("status", Op::Matches, "closed")));
        assert_eq!(shape("-status:closed"), expected);
        assert_eq!(shape("not status:closed"), expected);
        assert_eq!(shape("not:status:closed"), expected);
        assert_eq!(
            shape("NOT -x"),
            Expr::Not(Box::new(Expr::Not(Box::new(text("x")))))
        );
        // Negation binds tighter than implicit and.
        assert_eq!(
            shape("-a b"),
            Expr::And(vec![Expr::Not(Box::new(text("a"))), text("b")])
        );
    }

    #[test]
    fn comparisons_and_quoted_values() {
        assert_eq!(shape("session>=35"), field("session", Op::Ge, "35"));
        assert_eq!(shape("due<2025-01-01"), field("due", Op::Lt, "2025-01-01"));
        assert_eq!(
            shape("verb!=endorsed"),
            field("verb", Op::NotEq, "endorsed")
        );
        assert_eq!(shape("session=39"), field("session", Op::Eq, "39"));
        assert_eq!(shape("session>19"), field("session", Op::Gt, "19"));
        assert_eq!(shape("session<=21"), field("session", Op::Le, "21"));
        assert_eq!(
            shape("title:\"road safety\""),
            Expr::Field {
                field: "title".into(),
                field_span: 0..0,
                op: Op::Matches,
                value: "road safety".into(),
                value_span: 0..0
            }
        );
        assert_eq!(
            shape("\"air travel\" -x"),
            Expr::And(vec![text("air travel"), Expr::Not(Box::new(text("x")))])
        );
        // A hyphenated word is text, not a negation; a minus inside a value is part of it.
        assert_eq!(shape("e-tool"), text("e-tool"));
        assert_eq!(
            shape("topic:road-safety"),
            field("topic", Op::Matches, "road-safety")
        );
    }

    #[test]
    fn field_names_are_case_insensitive_and_spans_point_at_the_text() {
        let expr = parse_text("  Status:Open").unwrap().unwrap();
        let Expr::Field {
            field,
            field_span,
            value,
            value_span,
            ..
        } = expr
        else {
            panic!()
        };
        assert_eq!(
            (field.as_str(), field_span, value.as_str(), value_span),
            ("status", 2..8, "Open", 9..13)
        );
    }

    #[test]
    fn empty_query_matches_everything() {
        assert_eq!(parse_text("   ").unwrap(), None);
    }

    #[test]
    fn every_syntax_error_is_located() {
        let cases = [
            ("status:open )", 12..13, "unmatched `)`"),
            ("(status:open", 0..1, "unclosed `(`"),
            ("()", 0..2, "empty parentheses"),
            ("\"air travel", 0..11, "unclosed quote"),
            ("status:", 0..7, "`status:` needs a value"),
            ("a or", 2..4, "`or` needs a term on both sides"),
            ("or a", 0..2, "`or` needs a term before it"),
            ("a and", 2..5, "`and` needs a term on both sides"),
            ("and a", 0..3, "`and` needs a term before it"),
            ("a -", 2..3, "nothing to negate"),
            ("not", 0..3, "nothing to negate"),
        ];
        for (query, span, message) in cases {
            let error = parse_text(query).expect_err(query);
            assert_eq!(
                (error.span, error.message.as_str()),
                (span, message),
                "{query}"
            );
        }
    }
}
