//! Syntax errors in words: pest's errors turned into [`Diag`]s, and the checks that run before pest.
//!
//! pest reports the grammar rules it expected at the furthest position it reached; [`expected`]
//! names each of them in words (``expected `:`, found `x` ``), never by rule name. A small lexer
//! over the text finds what was there instead, the bracket left open, and the nesting depth: pest
//! descends recursively, so [`too_deep`] rejects input nested more than [`MAX_DEPTH`] levels before
//! pest sees it.

use pest::error::{ErrorVariant, InputLocation};

use super::parser::Rule;
use crate::diag::Diag;
use crate::source::{SourceId, Span};

pub use crate::limits::{EXPR_DEPTH as MAX_DEPTH, EXPR_OPERATORS as MAX_OPERATORS};

/// A syntax error found before walking, and where in the file it is.
pub(super) struct Fault {
    /// Boxed, so that a `Result` with a fault stays small.
    pub diag: Box<Diag>,
    /// The byte offset of the fault; parsing resumes at the next item after it.
    pub at: usize,
}

/// The kinds of token the error lexer tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// A word: a name, a keyword or a unit, `revenue`.
    Word,
    /// Digits and what sticks to them: `213.4`, `2025Q5`, `5pp`.
    Number,
    /// A string with its closing quote.
    Str,
    /// A string that runs to the end of its line without a closing quote.
    OpenStr,
    /// An operator or punctuation, one or two characters.
    Punct,
}

/// A token of the error lexer: its kind and byte range.
#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Tok,
    start: usize,
    end: usize,
}

/// A forgiving lexer: every character belongs to some token, comments and blanks are skipped.
struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    /// Lexes `text` from byte `pos`.
    fn new(text: &'a str, pos: usize) -> Self {
        Lexer { text, pos }
    }

    /// Skips blanks and comments.
    fn skip_trivia(&mut self) {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            if b.is_ascii_whitespace() {
                self.pos += 1;
            } else if b == b'#' {
                self.pos = self.line_end();
            } else {
                break;
            }
        }
    }

    /// The offset of the end of the current line.
    fn line_end(&self) -> usize {
        self.text[self.pos..].find('\n').map_or(self.text.len(), |i| self.pos + i)
    }

    /// The kind and end of a string that starts at the current position.
    fn string_end(&self) -> (Tok, usize) {
        let bytes = self.text.as_bytes();
        let mut i = self.pos + 1;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'"' => return (Tok::Str, i + 1),
                b'\n' | b'\r' => return (Tok::OpenStr, i),
                b'\\' if bytes.get(i + 1).is_some_and(|&n| n != b'\n' && n != b'\r') => i += 2,
                _ => i += 1,
            }
        }
        (Tok::OpenStr, self.text.len())
    }

    /// The end of the word or number that starts at the current position.
    fn word_end(&self, number: bool) -> usize {
        let bytes = self.text.as_bytes();
        let mut i = self.pos;
        while let Some(&b) = bytes.get(i) {
            let decimal_point = number && b == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !(b.is_ascii_alphanumeric() || b == b'_' || decimal_point) {
                break;
            }
            i += 1;
        }
        i
    }

    /// The end of the operator or character at the current position.
    fn punct_end(&self) -> usize {
        const PAIRS: [&str; 6] = ["<=", ">=", "==", "!=", "~=", ".."];
        let rest = &self.text[self.pos..];
        if PAIRS.iter().any(|p| rest.starts_with(p)) {
            return self.pos + 2;
        }
        self.pos + rest.chars().next().map_or(1, char::len_utf8)
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    /// The next token, or `None` at the end of the text.
    fn next(&mut self) -> Option<Token> {
        self.skip_trivia();
        let first = *self.text.as_bytes().get(self.pos)?;
        let (kind, end) = match first {
            b'"' => self.string_end(),
            b'0'..=b'9' => (Tok::Number, self.word_end(true)),
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => (Tok::Word, self.word_end(false)),
            _ => (Tok::Punct, self.punct_end()),
        };
        let token = Token { kind, start: self.pos, end };
        self.pos = end;
        Some(token)
    }
}

/// The words that start an item.
const ITEM_KEYWORDS: [&str; 6] = ["use", "metric", "group", "for", "let", "rule"];

/// The start of the first line after `from` whose first word begins an item, where parsing resumes.
pub(super) fn next_item(text: &str, from: usize) -> Option<usize> {
    let mut line_start = text.get(..from)?.rfind('\n').map_or(0, |i| i + 1);
    loop {
        let line = &text[line_start..];
        let word_start = line_start + (line.len() - line.trim_start_matches([' ', '\t']).len());
        let word = &text[word_start..Lexer::new(text, word_start).word_end(false)];
        // `group` starts an item only before a blank (`group.revenue` is a metric)
        let item = ITEM_KEYWORDS.contains(&word)
            && (word != "group" || text[word_start + word.len()..].starts_with([' ', '\t']));
        if word_start >= from && item {
            return Some(word_start);
        }
        line_start += line.find('\n')? + 1;
    }
}

/// The start of the last line after `start` and up to `at` whose first word begins an item: the
/// item a fault at `at` is in, when it starts a line.
pub(super) fn item_start(text: &str, start: usize, at: usize) -> Option<usize> {
    let mut last = None;
    let mut next = next_item(text, start + 1);
    while let Some(item) = next.filter(|&item| item <= at) {
        last = Some(item);
        next = next_item(text, item + 1);
    }
    last
}

/// How deeply the expression at a point of the text is nested, as the lexer sees it.
#[derive(Debug, Clone, Copy, Default)]
struct Frame {
    /// The depth of the enclosing bracket, plus one for the bracket.
    base: usize,
    /// `if`s open in this bracket: an `else` branch reaches to the bracket's end.
    ifs: usize,
    /// `not`s before the current operand of `and`/`or`.
    nots: usize,
    /// Prefix `-`s and postfix `[...]`s on the current operand.
    run: usize,
}

impl Frame {
    /// The nesting depth at this point.
    fn depth(self) -> usize {
        self.base + self.ifs + self.nots + self.run
    }
}

/// Tracks nesting over a stream of tokens.
#[derive(Default)]
struct Nesting {
    open: Vec<Frame>,
    frame: Frame,
    /// Whether the last token ended an operand, so that a `-` after it subtracts.
    after_operand: bool,
    /// Whether the last token was a `.`, so that a keyword after it is a segment of a name.
    after_dot: bool,
    operators: usize,
}

impl Nesting {
    /// Takes in one token; returns what is wrong if the expression now nests too deeply.
    fn push(&mut self, word: &str, kind: Tok) -> Option<&'static str> {
        let after_operand = std::mem::replace(&mut self.after_operand, false);
        let after_dot = std::mem::replace(&mut self.after_dot, word == ".");
        match (kind, word) {
            (Tok::Word, _) if after_dot => self.after_operand = true,
            (Tok::Word, "use" | "metric" | "let" | "rule") => *self = Nesting::default(),
            (Tok::Punct, "(" | "[") => self.open(),
            (Tok::Punct, ")" | "]") => self.close(word == "]"),
            (Tok::Punct, "-") if !after_operand => self.frame.run += 1,
            (Tok::Word, "not") => self.frame.nots += 1,
            (Tok::Word, "if") => self.open_if(),
            (Tok::Word, "and" | "or" | "then" | "else") | (Tok::Punct, "," | ":" | "=") => {
                (self.frame.run, self.frame.nots) = (0, 0);
                self.operators += usize::from(matches!(word, "and" | "or"));
            }
            (Tok::Punct, ".") => {}
            (Tok::Word, "in" | "within") | (Tok::Punct, _) => self.binary(word),
            _ => self.after_operand = true,
        }
        self.fault()
    }

    /// Opens a bracket, one level deeper than where it stands.
    fn open(&mut self) {
        self.open.push(self.frame);
        self.frame = Frame { base: self.frame.depth() + 1, ..Frame::default() };
    }

    /// Opens an `if`, which stays open to the end of its bracket and holds the prefixes before it.
    fn open_if(&mut self) {
        self.frame.ifs += self.frame.run + self.frame.nots + 1;
        (self.frame.run, self.frame.nots) = (0, 0);
    }

    /// Closes a bracket; the operand it ends may take more postfix indexes.
    fn close(&mut self, index: bool) {
        if let Some(outer) = self.open.pop() {
            self.frame = outer;
        }
        self.frame.run += usize::from(index);
        self.after_operand = true;
    }

    /// Takes in a binary operator or other punctuation.
    fn binary(&mut self, word: &str) {
        self.frame.run = 0;
        let operator = ["+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!=", "~=", "in"];
        self.operators += usize::from(operator.contains(&word));
        self.after_operand = word == "%";
    }

    /// What is wrong, if the limits are passed.
    fn fault(&self) -> Option<&'static str> {
        if self.frame.depth() > MAX_DEPTH {
            return Some("expression nested too deeply (more than 64 levels)");
        }
        (self.operators > MAX_OPERATORS).then_some("expression too long (more than 1024 operators)")
    }
}

/// Rejects input of `text[start..]` that nests too deeply for pest's recursive descent.
pub(super) fn too_deep(text: &str, start: usize, file: SourceId) -> Option<Fault> {
    let mut nesting = Nesting::default();
    for token in Lexer::new(text, start) {
        let Some(message) = nesting.push(&text[token.start..token.end], token.kind) else { continue };
        let diag = Diag::error("syntax", message)
            .in_file(file)
            .primary(Span::new(token.start, token.end), "the limit is passed here")
            .with_help("split the expression into cells with `let`");
        return Some(Fault { diag: Box::new(diag), at: token.start });
    }
    None
}

/// Turns pest's error over `text[start..]` into a diagnostic in words.
pub(super) fn from_pest(error: &pest::error::Error<Rule>, text: &str, start: usize, file: SourceId) -> Fault {
    let at = start
        + match error.location {
            InputLocation::Pos(pos) => pos,
            InputLocation::Span((pos, _)) => pos,
        };
    let tokens: Vec<Token> = Lexer::new(text, start).take_while(|t| t.start < at).collect();
    let found = Lexer::new(text, at).next();
    let span = found.map_or_else(|| end_of_input(text, &tokens, at), |t| Span::new(t.start, t.end));
    let positives = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.as_slice(),
        ErrorVariant::CustomError { message } => {
            let diag = Diag::error("syntax", format!("the file is too complex to parse ({message})"))
                .in_file(file)
                .primary(span, "here");
            return Fault { diag: Box::new(diag), at };
        }
    };
    let diag = match open_string(text, &tokens) {
        Some(string) => unterminated(string, span, positives),
        None => expectation(positives, text, &tokens, found, span),
    };
    Fault { diag: Box::new(diag.in_file(file)), at }
}

/// "expected X, found Y", with the bracket left open and a hint where they help.
fn expectation(positives: &[Rule], text: &str, tokens: &[Token], found: Option<Token>, span: Span) -> Diag {
    let wanted = wanted(positives);
    let found_text = found.map_or_else(|| "end of file".to_owned(), |t| show(text, t));
    let mut diag = Diag::error("syntax", format!("expected {wanted}, found {found_text}"))
        .primary(span, format!("expected {wanted}"));
    if positives.iter().any(|r| matches!(r, Rule::rparen | Rule::rbracket))
        && let Some(open) = unclosed(text, tokens)
    {
        diag = diag.label(open, "this bracket is never closed");
    }
    let previous = tokens.last().map(|t| &text[t.start..t.end]);
    diag.help = hint(positives, found.map(|t| (t.kind, &text[t.start..t.end])), previous);
    diag
}

/// The diagnostic for a string left open before the point where pest gave up: the likely cause.
fn unterminated(string: Span, fault: Span, positives: &[Rule]) -> Diag {
    Diag::error("syntax", "unterminated string")
        .primary(string, "this string has no closing `\"`")
        .label(fault, format!("so {} is missing here", wanted(positives)))
        .with_help("a string ends with `\"` on the line where it starts")
}

/// Where to point when the text ended too soon: just after the last token, or on it when the
/// file ends there (a label past the last byte cannot be shown).
fn end_of_input(text: &str, tokens: &[Token], at: usize) -> Span {
    match tokens.last() {
        Some(last) if last.end >= text.len() => Span::new(last.start, last.end),
        Some(last) => Span::new(last.end, last.end),
        None => Span::new(at, at),
    }
}

/// A string without its closing quote in the item where pest gave up.
fn open_string(text: &str, tokens: &[Token]) -> Option<Span> {
    let item = |t: &&Token| t.kind == Tok::Word && ITEM_KEYWORDS.contains(&&text[t.start..t.end]);
    let in_item = tokens.iter().rev().take_while(|t| !item(t));
    in_item.filter(|t| t.kind == Tok::OpenStr).last().map(|t| Span::new(t.start, t.end))
}

/// The innermost bracket still open at the end of `tokens`.
fn unclosed(text: &str, tokens: &[Token]) -> Option<Span> {
    let mut open = Vec::new();
    for token in tokens {
        match &text[token.start..token.end] {
            "(" | "[" => open.push(Span::new(token.start, token.end)),
            ")" | "]" => _ = open.pop(),
            _ => {}
        }
    }
    open.pop()
}

/// What pest expected, in words, most specific first: "`)`, `,` or an operator".
fn wanted(positives: &[Rule]) -> String {
    let mut wanted: Vec<Expect> = positives.iter().filter_map(|&r| describe(r)).collect();
    wanted.sort();
    wanted.dedup();
    // a file's `for` line is one of the items already named, and before a rule's `:` the `:` is
    // what is missing far more often than a scope
    if wanted.contains(&Expect::Item) || wanted.contains(&Expect::Colon) {
        wanted.retain(|&w| w != Expect::Scope);
    }
    if wanted.contains(&Expect::Colon) {
        wanted.retain(|w| !matches!(w, Expect::Severity | Expect::Title | Expect::At | Expect::Comma));
    }
    if wanted.contains(&Expect::Item) {
        wanted.retain(|w| *w != Expect::End);
    }
    let words: Vec<&str> = wanted.iter().map(|w| w.words()).collect();
    match words.as_slice() {
        [] => "something else".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A token as a message shows it: `` `x` ``, or "a string".
fn show(text: &str, token: Token) -> String {
    match token.kind {
        Tok::Str | Tok::OpenStr => "a string".to_owned(),
        _ => format!("`{}`", &text[token.start..token.end]),
    }
}

/// A hint for a few common mistakes, from what was expected, what was found and what came before.
fn hint(positives: &[Rule], found: Option<(Tok, &str)>, previous: Option<&str>) -> Option<String> {
    let expects = |rule| positives.contains(&rule);
    let word = found.filter(|(kind, _)| *kind == Tok::Word).map(|(_, w)| w);
    if let Some(word) = word.filter(|w| expects(Rule::ident) && RESERVED.contains(w)) {
        return Some(format!("`{word}` is a reserved word and cannot be a name"));
    }
    if let Some(word) = word.filter(|w| expects(Rule::ident) && w.contains(|c: char| c.is_ascii_uppercase())) {
        let lower = word.to_ascii_lowercase();
        return Some(format!("names are written in small letters, digits and `_`: `{lower}`"));
    }
    let expression = positives.iter().any(|&r| describe(r) == Some(Expect::Expression));
    if word.is_some_and(|w| w.len() > 2 && w[..2].eq_ignore_ascii_case("fy")) && expression {
        return Some("a period is not a value; to take a value at a period, index it: `revenue[FY2025]`".into());
    }
    let comparison = ["<", "<=", ">", ">=", "==", "!=", "~=", "in"];
    let found_comparison = found.is_some_and(|(_, w)| comparison.contains(&w));
    if found_comparison && expects(Rule::add_op) && !expects(Rule::cmp_op) {
        return Some("`~=` and `in` do not chain with other comparisons; join them with `and`".into());
    }
    // after a declared name (`metric revenue`), not after a period of `at` (`at 2026Q1`)
    let after_name = previous.is_some_and(|p| {
        p.starts_with(|c: char| c.is_ascii_lowercase() || c == '*' || c == '_') && !matches!(p, "quarters" | "years")
    });
    if expects(Rule::colon) && expects(Rule::comma) && !expects(Rule::severity) && after_name {
        return Some(
            "a declaration reads `metric NAME, NAME: DIMENSION`, as in `metric eps_diluted: per_share`".into(),
        );
    }
    if expects(Rule::colon) {
        return Some("a rule reads `rule NAME [error|warning|info] [\"TITLE\"] [at PERIODS]: EXPR`".into());
    }
    period_hint(positives, previous)
}

/// A hint for a missing period or tolerance.
fn period_hint(positives: &[Rule], previous: Option<&str>) -> Option<String> {
    if positives.contains(&Rule::offset) {
        return Some(
            "inside `[...]` write an offset such as `-1q`, `-1y`, `+2q`, a period such as `2025Q1` or `FY2025`, \
             `Q1` to `Q4` or `FY` for the checked period's fiscal year, or `given -1` for an earlier vintage"
                .into(),
        );
    }
    if positives.contains(&Rule::period) {
        return Some("`at` takes periods such as `2026Q1` or `FY2026`, or `quarters` or `years`".into());
    }
    if previous == Some("within") {
        return Some("a tolerance is a number with an optional unit, such as `0.5`, `5pp` or `2%`".into());
    }
    None
}

/// The reserved words: the keywords and the scenario names.
const RESERVED: [&str; 25] = [
    "use",
    "metric",
    "for",
    "of",
    "let",
    "rule",
    "at",
    "error",
    "warning",
    "info",
    "and",
    "or",
    "not",
    "in",
    "within",
    "if",
    "then",
    "else",
    "true",
    "false",
    "quarters",
    "years",
    "actual",
    "guidance",
    "consensus",
];

/// What a parse error may say was expected, in the order a message lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Expect {
    Colon,
    Assign,
    RParen,
    RBracket,
    Comma,
    Then,
    Else,
    Within,
    LParen,
    Name,
    Path,
    Severity,
    Title,
    At,
    Period,
    /// What follows `given` in `[given ...]`.
    Vintage,
    Number,
    Dimension,
    Expression,
    Operator,
    Item,
    Scope,
    Entity,
    End,
}

impl Expect {
    /// The words a message uses.
    fn words(self) -> &'static str {
        match self {
            Expect::Colon => "`:`",
            Expect::Assign => "`=`",
            Expect::RParen => "`)`",
            Expect::RBracket => "`]`",
            Expect::Comma => "`,`",
            Expect::Then => "`then`",
            Expect::Else => "`else`",
            Expect::Within => "`within`",
            Expect::LParen => "`(`",
            Expect::Name => "a name",
            Expect::Path => "a path in quotes",
            Expect::Severity => "a severity (`error`, `warning` or `info`)",
            Expect::Title => "a title",
            Expect::At => "`at`",
            Expect::Period => "a period",
            Expect::Vintage => "a vintage (`-1`, a date such as `2025-10-30`, `first` or `last`)",
            Expect::Number => "a number",
            Expect::Dimension => "a dimension (`money`, `ratio`, `number`, `shares`, `USD/share`, `GW`)",
            Expect::Expression => "an expression",
            Expect::Operator => "an operator",
            Expect::Item => "an item (`use`, `metric`, `group`, `for`, `let` or `rule`)",
            Expect::Scope => "`for`",
            Expect::Entity => "an entity (`AMZN`, `\"BRK-B\"`), a group or an attribute test (`sector == \"retail\"`)",
            Expect::End => "end of file",
        }
    }
}

/// A grammar rule as what an error message says was expected; `None` for rules that only continue
/// what came before (a unit after a number, `..` after a range's start, `[` after an operand).
fn describe(rule: Rule) -> Option<Expect> {
    use Rule::*;
    Some(match rule {
        EOI => Expect::End,
        kw_use | kw_let | kw_rule | kw_metric | kw_group | use_item | metric_item | let_item | rule_item
        | group_item => Expect::Item,
        scope_clause | kw_for => Expect::Scope,
        entity | entity_quoted | entity_ref | scope_member | attr_test | attr_value => Expect::Entity,
        attr_op => Expect::Operator,
        peer | kw_of => return None,
        metric_pattern => Expect::Name,
        dimension => Expect::Dimension,
        use_path => Expect::Path,
        ident | call_head => Expect::Name,
        assign => Expect::Assign,
        severity | kw_error | kw_warning | kw_info => Expect::Severity,
        title | quoted | string_text | unterminated => Expect::Title,
        at_clause | kw_at => Expect::At,
        period | cal_period | offset | fiscal | kw_quarters | kw_years | vintage | kw_given => Expect::Period,
        given_back | given_date | given_end => Expect::Vintage,
        colon => Expect::Colon,
        comma => Expect::Comma,
        lparen => Expect::LParen,
        rparen => Expect::RParen,
        rbracket => Expect::RBracket,
        kw_then => Expect::Then,
        kw_else => Expect::Else,
        kw_within => Expect::Within,
        tolerance | decimal => Expect::Number,
        expr | or_expr | and_expr | not_expr | cmp_expr | sum | product | unary | postfix | if_expr | paren | call
        | name | number | range | range_bound | kw_not | neg_op | kw_if | kw_true | kw_false | minus | scenario => {
            Expect::Expression
        }
        kw_or | kw_and | approx_tail | in_tail | cmp_tail | add_op | mul_op | cmp_op | approx_op | kw_in => {
            Expect::Operator
        }
        lbracket | index | dots | exponent | unit | percent | money_unit | currency | scale_word | unit_word
        | segment | star | keyword | pattern_part | per_share | share_unit | share_scale => return None,
        WHITESPACE | COMMENT | comment_text | file | expr_only | item | primary | ident_char | unit_gap => return None,
    })
}
