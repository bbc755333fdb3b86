//! The query language: a lexer and a recursive-descent parser from the text an analyst
//! types to a syntax tree ([`Expr`]), with precise errors.
//!
//! Grammar (operators are uppercase words; lowercase `and`/`or`/`not` are plain terms):
//!
//! ```text
//! query    := or_expr
//! or_expr  := and_expr ( "OR" and_expr )*
//! and_expr := unary ( ["AND"] unary )*          -- juxtaposition is AND
//! unary    := "NOT" unary | "-" primary | "+" primary | primary
//! primary  := "(" or_expr ")" | FIELD ":" primary | WORD | WORD"*" | "\"" text "\"" ["~" N]
//! ```
//!
//! Decisions: the default operator between terms is AND (an analyst adding a word means
//! "narrower", as in most catalogue search boxes); `+x` is the same as `x`, `-x` the same as
//! `NOT x`; NOT binds tighter than AND, AND tighter than OR. `~N` applies to quoted
//! phrases only, `*` only at the end of a word (prefix search); the proximity operators of
//! other tools (`NEAR/5`, `W/5`) are refused with the phrase form. Columns in errors are
//! 1-based and count characters, not bytes.
//!
//! The parser does not analyze words (no stemming here): that is [`super::plan`]'s job.

use super::QueryError;

/// Deepest nesting of parentheses and operators accepted (guards the recursion).
const MAX_DEPTH: usize = 64;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// Every child must match.
    And(Vec<Expr>),
    /// At least one child must match.
    Or(Vec<Expr>),
    /// The child must not match.
    Not(Box<Expr>),
    /// A word, phrase or prefix, possibly restricted to a field.
    Leaf(Leaf),
}

/// A term, phrase or prefix with the field it is searched in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    /// Where the leaf is searched.
    pub field: FieldName,
    /// What is searched.
    pub value: LeafValue,
    /// 1-based column where the leaf starts in the query (for errors found later).
    pub column: usize,
}

/// What a leaf searches for, as typed (not yet analyzed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeafValue {
    /// A bare word (may still analyze into several tokens, e.g. `U.S.`).
    Term(String),
    /// A quoted phrase with its slop (0 = exact).
    Phrase {
        /// The text between the quotes.
        text: String,
        /// How many position moves are allowed (`~N`).
        slop: u32,
    },
    /// A word ending in `*`, without the star.
    Prefix(String),
}

/// The fields a leaf can be restricted to with `field:value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldName {
    /// No field given: text and title.
    Default,
    /// `text:` the body only.
    Text,
    /// `title:` the title only.
    Title,
    /// `speaker:` the main speaker (keyword).
    Speaker,
    /// `source:` the publisher (keyword).
    Source,
    /// `kind:` the genre (keyword, fixed vocabulary).
    Kind,
    /// `lang:` the language (keyword, fixed vocabulary).
    Lang,
    /// `tag:` or `tags:` a free-form tag (keyword).
    Tag,
}

impl FieldName {
    /// Field names accepted before `:` (for error messages).
    pub const NAMES: &'static str = "text, title, speaker, source, kind, lang, tag";

    fn from_name(name: &str) -> Option<FieldName> {
        Some(match name.to_ascii_lowercase().as_str() {
            "text" => FieldName::Text,
            "title" => FieldName::Title,
            "speaker" => FieldName::Speaker,
            "source" => FieldName::Source,
            "kind" => FieldName::Kind,
            "lang" => FieldName::Lang,
            "tag" | "tags" => FieldName::Tag,
            _ => return None,
        })
    }

    /// The name as written before `:`.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldName::Default => "",
            FieldName::Text => "text",
            FieldName::Title => "title",
            FieldName::Speaker => "speaker",
            FieldName::Source => "source",
            FieldName::Kind => "kind",
            FieldName::Lang => "lang",
            FieldName::Tag => "tag",
        }
    }
}

/// Parses `query` into a syntax tree.
pub fn parse(query: &str) -> Result<Expr, QueryError> {
    let tokens = lex(query)?;
    let end_column = query.chars().count() + 1;
    if tokens.is_empty() {
        return Err(syntax(1, "empty query: expected a term"));
    }
    let mut parser = Parser {
        tokens,
        next: 0,
        end_column,
        depth: 0,
    };
    let expr = parser.or_expr(FieldName::Default)?;
    if let Some(token) = parser.peek() {
        // `or_expr` stops only at `)` or at the end.
        return Err(syntax(
            token.column,
            "unexpected `)` with no matching `(` opened before it",
        ));
    }
    Ok(expr)
}

fn syntax(position: usize, message: impl Into<String>) -> QueryError {
    QueryError::Syntax {
        position,
        message: message.into(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum TokenKind {
    LParen,
    RParen,
    And,
    Or,
    Not,
    /// `+` glued to the following term.
    Plus,
    /// `-` glued to the following term.
    Minus,
    /// `name:` glued to the following value.
    Field(FieldName),
    Word(String),
    Prefix(String),
    Phrase {
        text: String,
        slop: u32,
    },
}

#[derive(Debug, Clone)]
struct Token {
    kind: TokenKind,
    column: usize,
}

impl TokenKind {
    fn describe(&self) -> String {
        match self {
            TokenKind::LParen => "`(`".into(),
            TokenKind::RParen => "`)`".into(),
            TokenKind::And => "AND".into(),
            TokenKind::Or => "OR".into(),
            TokenKind::Not => "NOT".into(),
            TokenKind::Plus => "`+`".into(),
            TokenKind::Minus => "`-`".into(),
            TokenKind::Field(f) => format!("`{}:`", f.as_str()),
            TokenKind::Word(w) => format!("`{w}`"),
            TokenKind::Prefix(p) => format!("`{p}*`"),
            TokenKind::Phrase { text, .. } => format!("\"{text}\""),
        }
    }
}

/// Splits the query into tokens, reporting quote, star, tilde and field errors.
fn lex(query: &str) -> Result<Vec<Token>, QueryError> {
    let chars: Vec<char> = query.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    // Columns are 1-based character positions.
    let column = |i: usize| i + 1;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        match c {
            '(' => {
                tokens.push(Token {
                    kind: TokenKind::LParen,
                    column: column(i),
                });
                i += 1;
            }
            ')' => {
                tokens.push(Token {
                    kind: TokenKind::RParen,
                    column: column(i),
                });
                i += 1;
            }
            '"' => {
                let close = chars[i + 1..]
                    .iter()
                    .position(|&c| c == '"')
                    .map(|p| i + 1 + p)
                    .ok_or_else(|| syntax(column(i), "unclosed quote opened"))?;
                let text: String = chars[i + 1..close].iter().collect();
                if let Some(star) = text.chars().position(|c| c == '*') {
                    return Err(syntax(
                        column(i + 1 + star),
                        "`*` cannot stand inside a quoted phrase: a phrase is of whole words \
                         (a prefix goes outside quotes, as in north kor*)",
                    ));
                }
                i = close + 1;
                let mut slop = 0;
                if chars.get(i) == Some(&'~') {
                    let digits: String = chars[i + 1..]
                        .iter()
                        .take_while(|c| c.is_ascii_digit())
                        .collect();
                    if digits.is_empty() {
                        return Err(syntax(
                            column(i),
                            "expected a number of words after `~` (as in \"sanctions useless\"~5)",
                        ));
                    }
                    slop = digits
                        .parse()
                        .map_err(|_| syntax(column(i + 1), "the number after `~` is too large"))?;
                    i += 1 + digits.chars().count();
                }
                if let Some(&next) = chars.get(i)
                    && !next.is_whitespace()
                    && next != ')'
                {
                    return Err(syntax(
                        column(i),
                        format!("expected a space or `)` after the closing quote, found `{next}`"),
                    ));
                }
                tokens.push(Token {
                    kind: TokenKind::Phrase { text, slop },
                    column: column(start),
                });
            }
            '+' | '-' => {
                let next = chars.get(i + 1).copied();
                if next.is_none_or(|n| n.is_whitespace() || n == ')') {
                    return Err(syntax(
                        column(i),
                        format!("expected a term right after `{c}`"),
                    ));
                }
                tokens.push(Token {
                    kind: if c == '+' {
                        TokenKind::Plus
                    } else {
                        TokenKind::Minus
                    },
                    column: column(i),
                });
                i += 1;
            }
            _ => {
                let mut end = i;
                while end < chars.len()
                    && !chars[end].is_whitespace()
                    && !"()\"".contains(chars[end])
                {
                    end += 1;
                }
                let word: String = chars[i..end].iter().collect();
                // `name:` introduces a field when `name` is a plain word.
                if let Some(colon) = word.find(':') {
                    let name = &word[..colon];
                    if !name.is_empty() && name.chars().all(|c| c.is_alphabetic()) {
                        let field = FieldName::from_name(name).ok_or_else(|| {
                            syntax(
                                column(i),
                                format!(
                                    "unknown field `{name}:` (fields: {}; quote the text to search for it literally)",
                                    FieldName::NAMES
                                ),
                            )
                        })?;
                        tokens.push(Token {
                            kind: TokenKind::Field(field),
                            column: column(i),
                        });
                        i += name.chars().count() + 1;
                        if chars.get(i).is_none_or(|c| c.is_whitespace() || *c == ')') {
                            return Err(syntax(
                                column(i),
                                format!("expected a value after `{name}:`"),
                            ));
                        }
                        continue;
                    }
                }
                tokens.push(Token {
                    kind: word_kind(&word, column(i))?,
                    column: column(i),
                });
                i = end;
            }
        }
    }
    Ok(tokens)
}

/// The proximity operators of other search tools, in capitals as operators are written:
/// `NEAR`, `NEAR/5`, `W/5`, `PRE/5`. Read as words they would be required terms, and the
/// query would find nothing without saying why.
fn is_foreign_proximity(word: &str) -> bool {
    if word == "NEAR" {
        return true;
    }
    word.split_once('/').is_some_and(|(op, n)| {
        matches!(op, "NEAR" | "W" | "PRE") && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Classifies a bare word: operator, prefix or term.
fn word_kind(word: &str, column: usize) -> Result<TokenKind, QueryError> {
    match word {
        "AND" => return Ok(TokenKind::And),
        "OR" => return Ok(TokenKind::Or),
        "NOT" => return Ok(TokenKind::Not),
        _ => {}
    }
    if is_foreign_proximity(word) {
        return Err(syntax(
            column,
            format!(
                "`{word}` is no operator here: for words near each other, quote them and give \
                 the distance, as in \"sanctions useless\"~5 (within 5 position moves)"
            ),
        ));
    }
    if let Some(offset) = word.chars().position(|c| c == '~') {
        return Err(syntax(
            column + offset,
            "`~` (slop) applies to quoted phrases only, as in \"sanctions useless\"~5",
        ));
    }
    // Other tools' wildcards and boosts inside a word: read as word breaks they would
    // search something else (`sanc?ions` the phrase "sanc ions"). A `?` or `^` that ends
    // the word is punctuation.
    let chars: Vec<char> = word.chars().collect();
    for (offset, pair) in chars.windows(2).enumerate() {
        match pair {
            ['?', next] if next.is_alphanumeric() => {
                return Err(syntax(
                    column + offset,
                    "`?` is no wildcard here: the query language has prefixes (`sanc*`); a \
                     theme's regex can match one letter (`{ regex = 'sanc\\wions' }`)",
                ));
            }
            ['^', next] if next.is_ascii_digit() => {
                return Err(syntax(
                    column + offset,
                    "`^` boosts are not part of the query language: every word weighs by its \
                     rarity (BM25), and titles count double",
                ));
            }
            _ => {}
        }
    }
    let stars = word.chars().filter(|&c| c == '*').count();
    if stars == 0 {
        return Ok(TokenKind::Word(word.to_string()));
    }
    let body = word.trim_end_matches('*');
    if let Some(offset) = body.chars().position(|c| c == '*') {
        return Err(syntax(
            column + offset,
            "`*` is only allowed at the end of a word (prefix search, as in sanc*)",
        ));
    }
    if body.is_empty() {
        return Err(syntax(
            column,
            "expected letters before `*` (prefix search, as in sanc*)",
        ));
    }
    Ok(TokenKind::Prefix(body.to_string()))
}

struct Parser {
    tokens: Vec<Token>,
    next: usize,
    end_column: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next)
    }

    fn bump(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.next).cloned();
        self.next += 1;
        token
    }

    /// An error for a missing term after `what`, at the token found there or at the end.
    fn expected_term_after(&self, what: &str) -> QueryError {
        match self.peek() {
            Some(token) => syntax(
                token.column,
                format!(
                    "expected a term after {what}, found {}",
                    token.kind.describe()
                ),
            ),
            None => syntax(
                self.end_column,
                format!("expected a term after {what}, found the end of the query"),
            ),
        }
    }

    fn enter(&mut self, column: usize) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(syntax(
                column,
                format!("query nested too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        Ok(())
    }

    fn or_expr(&mut self, field: FieldName) -> Result<Expr, QueryError> {
        let mut alternatives = vec![self.and_expr(field)?];
        while let Some(Token {
            kind: TokenKind::Or,
            ..
        }) = self.peek()
        {
            self.bump();
            if !self.starts_unary() {
                return Err(self.expected_term_after("OR"));
            }
            alternatives.push(self.and_expr(field)?);
        }
        Ok(if alternatives.len() == 1 {
            alternatives.remove(0)
        } else {
            Expr::Or(alternatives)
        })
    }

    fn starts_unary(&self) -> bool {
        self.peek()
            .is_some_and(|t| !matches!(t.kind, TokenKind::RParen | TokenKind::And | TokenKind::Or))
    }

    fn and_expr(&mut self, field: FieldName) -> Result<Expr, QueryError> {
        if let Some(token) = self.peek()
            && matches!(token.kind, TokenKind::And | TokenKind::Or)
        {
            return Err(syntax(
                token.column,
                format!("expected a term before {}", token.kind.describe()),
            ));
        }
        let mut parts = vec![self.unary(field)?];
        loop {
            match self.peek().map(|t| &t.kind) {
                Some(TokenKind::And) => {
                    self.bump();
                    if !self.starts_unary() {
                        return Err(self.expected_term_after("AND"));
                    }
                    parts.push(self.unary(field)?);
                }
                Some(TokenKind::Or | TokenKind::RParen) | None => break,
                Some(_) => parts.push(self.unary(field)?),
            }
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    fn unary(&mut self, field: FieldName) -> Result<Expr, QueryError> {
        let Some(token) = self.peek().cloned() else {
            return Err(syntax(self.end_column, "expected a term"));
        };
        match token.kind {
            TokenKind::Not => {
                self.bump();
                if !self.starts_unary() {
                    return Err(self.expected_term_after("NOT"));
                }
                self.enter(token.column)?;
                let inner = self.unary(field)?;
                self.depth -= 1;
                Ok(Expr::Not(Box::new(inner)))
            }
            TokenKind::Minus => {
                self.bump();
                Ok(Expr::Not(Box::new(self.primary(field, "`-`")?)))
            }
            TokenKind::Plus => {
                self.bump();
                self.primary(field, "`+`")
            }
            _ => self.primary(field, "the start of the query"),
        }
    }

    fn primary(&mut self, field: FieldName, after: &str) -> Result<Expr, QueryError> {
        let Some(token) = self.bump() else {
            return Err(syntax(
                self.end_column,
                format!("expected a term after {after}, found the end of the query"),
            ));
        };
        let leaf = |value| {
            Ok(Expr::Leaf(Leaf {
                field,
                value,
                column: token.column,
            }))
        };
        match token.kind {
            TokenKind::Word(word) => leaf(LeafValue::Term(word)),
            TokenKind::Prefix(prefix) => leaf(LeafValue::Prefix(prefix)),
            TokenKind::Phrase { text, slop } => leaf(LeafValue::Phrase { text, slop }),
            TokenKind::LParen => {
                self.enter(token.column)?;
                if let Some(t) = self.peek()
                    && t.kind == TokenKind::RParen
                {
                    return Err(syntax(t.column, "expected a term inside `()`"));
                }
                let inner = self.or_expr(field)?;
                match self.bump() {
                    Some(Token {
                        kind: TokenKind::RParen,
                        ..
                    }) => {}
                    _ => {
                        return Err(syntax(token.column, "unclosed parenthesis opened"));
                    }
                }
                self.depth -= 1;
                Ok(inner)
            }
            TokenKind::Field(inner_field) => {
                if field != FieldName::Default {
                    return Err(syntax(
                        token.column,
                        format!(
                            "field `{}:` inside `{}:` (a value can be searched in one field only)",
                            inner_field.as_str(),
                            field.as_str()
                        ),
                    ));
                }
                self.enter(token.column)?;
                let what = format!("`{}:`", inner_field.as_str());
                let inner = match self.peek().map(|t| &t.kind) {
                    Some(TokenKind::Not | TokenKind::Minus | TokenKind::Plus) => {
                        return Err(syntax(
                            self.peek().map_or(self.end_column, |t| t.column),
                            format!(
                                "expected a value after {what} (put NOT or `-` before the field, as in -{}:value)",
                                inner_field.as_str()
                            ),
                        ));
                    }
                    _ => self.primary(inner_field, &what)?,
                };
                self.depth -= 1;
                Ok(inner)
            }
            TokenKind::RParen => Err(syntax(
                token.column,
                format!("expected a term after {after}, found `)`"),
            )),
            TokenKind::And
            | TokenKind::Or
            | TokenKind::Not
            | TokenKind::Plus
            | TokenKind::Minus => Err(syntax(
                token.column,
                format!(
                    "expected a term after {after}, found {}",
                    token.kind.describe()
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(word: &str, column: usize) -> Expr {
        Expr::Leaf(Leaf {
            field: FieldName::Default,
            value: LeafValue::Term(word.into()),
            column,
        })
    }

    fn error(query: &str) -> (usize, String) {
        match parse(query) {
            Err(QueryError::Syntax { position, message }) => (position, message),
            other => panic!("expected a syntax error for {query:?}, got {other:?}"),
        }
    }

    #[test]
    fn a_single_term() {
        assert_eq!(parse("sanctions").unwrap(), term("sanctions", 1));
    }

    #[test]
    fn juxtaposition_is_and() {
        assert_eq!(
            parse("korea sanctions").unwrap(),
            Expr::And(vec![term("korea", 1), term("sanctions", 7)])
        );
        assert_eq!(
            parse("korea AND sanctions").unwrap(),
            Expr::And(vec![term("korea", 1), term("sanctions", 11)])
        );
    }

    #[test]
    fn and_binds_tighter_than_or() {
        assert_eq!(
            parse("a b OR c").unwrap(),
            Expr::Or(vec![
                Expr::And(vec![term("a", 1), term("b", 3)]),
                term("c", 8)
            ])
        );
        assert_eq!(
            parse("a OR b c").unwrap(),
            Expr::Or(vec![
                term("a", 1),
                Expr::And(vec![term("b", 6), term("c", 8)])
            ])
        );
    }

    #[test]
    fn parentheses_group() {
        assert_eq!(
            parse("(a OR b) c").unwrap(),
            Expr::And(vec![
                Expr::Or(vec![term("a", 2), term("b", 7)]),
                term("c", 10)
            ])
        );
    }

    #[test]
    fn not_minus_and_plus() {
        assert_eq!(
            parse("a NOT b").unwrap(),
            Expr::And(vec![term("a", 1), Expr::Not(Box::new(term("b", 7)))])
        );
        assert_eq!(
            parse("+a -b").unwrap(),
            Expr::And(vec![term("a", 2), Expr::Not(Box::new(term("b", 5)))])
        );
        assert_eq!(
            parse("NOT NOT a").unwrap(),
            Expr::Not(Box::new(Expr::Not(Box::new(term("a", 9)))))
        );
        // A hyphen inside a word is part of the word.
        assert_eq!(parse("six-party").unwrap(), term("six-party", 1));
    }

    #[test]
    fn lowercase_operators_are_terms() {
        assert_eq!(
            parse("war and peace").unwrap(),
            Expr::And(vec![term("war", 1), term("and", 5), term("peace", 9)])
        );
    }

    #[test]
    fn phrases_with_and_without_slop() {
        assert_eq!(
            parse("\"sanctions are useless\"").unwrap(),
            Expr::Leaf(Leaf {
                field: FieldName::Default,
                value: LeafValue::Phrase {
                    text: "sanctions are useless".into(),
                    slop: 0
                },
                column: 1
            })
        );
        assert_eq!(
            parse("x \"sanctions useless\"~5").unwrap(),
            Expr::And(vec![
                term("x", 1),
                Expr::Leaf(Leaf {
                    field: FieldName::Default,
                    value: LeafValue::Phrase {
                        text: "sanctions useless".into(),
                        slop: 5
                    },
                    column: 3
                })
            ])
        );
    }

    #[test]
    fn prefixes() {
        assert_eq!(
            parse("sanc*").unwrap(),
            Expr::Leaf(Leaf {
                field: FieldName::Default,
                value: LeafValue::Prefix("sanc".into()),
                column: 1
            })
        );
    }

    #[test]
    fn fields_apply_to_terms_phrases_prefixes_and_groups() {
        let leaf = |field, value, column| {
            Expr::Leaf(Leaf {
                field,
                value,
                column,
            })
        };
        assert_eq!(
            parse("title:korea").unwrap(),
            leaf(FieldName::Title, LeafValue::Term("korea".into()), 7)
        );
        assert_eq!(
            parse("speaker:\"Vladimir Putin\"").unwrap(),
            leaf(
                FieldName::Speaker,
                LeafValue::Phrase {
                    text: "Vladimir Putin".into(),
                    slop: 0
                },
                9
            )
        );
        assert_eq!(
            parse("Source:kreml*").unwrap(),
            leaf(FieldName::Source, LeafValue::Prefix("kreml".into()), 8)
        );
        assert_eq!(
            parse("-kind:news").unwrap(),
            Expr::Not(Box::new(leaf(
                FieldName::Kind,
                LeafValue::Term("news".into()),
                7
            )))
        );
        assert_eq!(
            parse("text:(a OR b)").unwrap(),
            Expr::Or(vec![
                leaf(FieldName::Text, LeafValue::Term("a".into()), 7),
                leaf(FieldName::Text, LeafValue::Term("b".into()), 12)
            ])
        );
        assert_eq!(
            parse("lang:ru tags:korea").unwrap(),
            Expr::And(vec![
                leaf(FieldName::Lang, LeafValue::Term("ru".into()), 6),
                leaf(FieldName::Tag, LeafValue::Term("korea".into()), 14)
            ])
        );
    }

    #[test]
    fn a_colon_after_digits_is_part_of_the_word() {
        assert_eq!(parse("12:30").unwrap(), term("12:30", 1));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(
            parse("санкции \"тупик").unwrap_err().to_string(),
            "query syntax error: unclosed quote opened at column 9"
        );
    }

    #[test]
    fn unclosed_quote_names_where_it_opened() {
        assert_eq!(
            error("korea \"sanctions are"),
            (7, "unclosed quote opened".into())
        );
    }

    #[test]
    fn missing_terms_after_operators() {
        assert_eq!(
            error("sanctions NOT"),
            (
                14,
                "expected a term after NOT, found the end of the query".into()
            )
        );
        assert_eq!(
            error("a AND OR b"),
            (7, "expected a term after AND, found OR".into())
        );
        assert_eq!(
            error("a OR"),
            (
                5,
                "expected a term after OR, found the end of the query".into()
            )
        );
        assert_eq!(error("a NOT )").0, 7);
        assert_eq!(error("AND a"), (1, "expected a term before AND".into()));
        assert_eq!(error("(OR a)"), (2, "expected a term before OR".into()));
        assert_eq!(
            error("a - b"),
            (3, "expected a term right after `-`".into())
        );
        assert_eq!(error("a +"), (3, "expected a term right after `+`".into()));
    }

    #[test]
    fn parenthesis_errors() {
        assert_eq!(error("(a OR b"), (1, "unclosed parenthesis opened".into()));
        assert_eq!(
            error("a OR b)"),
            (
                7,
                "unexpected `)` with no matching `(` opened before it".into()
            )
        );
        assert_eq!(error("a ()"), (4, "expected a term inside `()`".into()));
        let deep = format!("{}a{}", "(".repeat(100), ")".repeat(100));
        assert!(error(&deep).1.contains("nested too deeply"));
    }

    #[test]
    fn other_tools_proximity_operators_are_refused_with_the_phrase_form() {
        for (query, column) in [
            ("санкции NEAR/5 бесполезны", 9),
            ("sanctions NEAR useless", 11),
            ("sanctions W/3 useless", 11),
            ("(a PRE/2 b)", 4),
        ] {
            let (at, message) = error(query);
            assert_eq!(at, column, "{query}");
            assert!(
                message.contains("is no operator here") && message.contains("\"~5"),
                "{message}"
            );
        }
        // Lowercase they are words, as other operators are; a slash without a number too.
        for query in ["near korea", "sanctions near/5", "W/X", "NEAR/", "Near/5"] {
            assert!(parse(query).is_ok(), "{query}");
        }
    }

    #[test]
    fn other_tools_wildcards_boosts_and_phrase_prefixes_are_refused() {
        for (query, column, words) in [
            ("sanc?ions", 5, "is no wildcard"),
            ("korea sanctions^2", 16, "boosts are not part"),
            ("\"north kor*\"", 11, "cannot stand inside a quoted phrase"),
        ] {
            let (at, message) = error(query);
            assert_eq!(at, column, "{query}");
            assert!(message.contains(words), "{message}");
        }
        // Ending a word they are punctuation, as in a question pasted whole.
        for query in ["why sanctions?", "sanctions^", "a ? b"] {
            assert!(parse(query).is_ok(), "{query}");
        }
    }

    #[test]
    fn slop_star_and_field_errors() {
        assert_eq!(
            error("\"a b\"~x").0,
            6,
            "the number is expected right after the tilde"
        );
        assert!(error("korea~2").1.contains("quoted phrases only"));
        assert_eq!(error("korea~2").0, 6);
        assert_eq!(error("s*nc").0, 2);
        assert!(error("*").1.contains("expected letters before `*`"));
        let (column, message) = error("a http://x");
        assert_eq!(column, 3);
        assert!(message.starts_with("unknown field `http:`"), "{message}");
        assert_eq!(
            error("title: korea"),
            (7, "expected a value after `title:`".into())
        );
        assert!(error("title:speaker:x").1.contains("inside `title:`"));
        assert!(
            error("title:-x")
                .1
                .contains("put NOT or `-` before the field")
        );
        assert_eq!(
            error("\"a b\"c").1,
            "expected a space or `)` after the closing quote, found `c`"
        );
    }

    #[test]
    fn empty_queries_are_errors() {
        assert_eq!(error(""), (1, "empty query: expected a term".into()));
        assert_eq!(error("   ").0, 1);
    }

    #[test]
    fn display_names_the_column() {
        assert_eq!(
            parse("a AND").unwrap_err().to_string(),
            "query syntax error: expected a term after AND, found the end of the query at column 6"
        );
    }
}
