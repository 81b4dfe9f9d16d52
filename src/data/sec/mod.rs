//! SEC companyfacts JSON: every fact a US filer reported in XBRL, as fiscal periods with provenance.
//!
//! A companyfacts file (`CIK##########.json` from `data.sec.gov/api/xbrl/companyfacts/`) is told from a
//! JSON data file by its shape: a root object with `cik` and `facts` and no `entity`. Its facts
//! (`facts.<taxonomy>.<Concept>.units.<unit>[]`, each `{start?, end, val, accn, form, filed, ...}`)
//! become the sheet of one entity:
//!
//! - **Which concepts**: those of the concept map ([`map`]), each a metric; where several concepts
//!   give one metric, at each period the first of the map's list that has a value wins.
//! - **Which period**: from the fact's own dates and the company's fiscal calendar ([`calendar`]),
//!   never from `fy`/`fp`, which describe the filing. Quarters and fiscal years are periods of the
//!   sheet; six- and nine-month years to date serve to derive quarters; trailing twelve months and
//!   other durations are left out (`tickmark import sec` counts them).
//! - **One fact per period**: every filing repeats earlier periods. The most recent filing (by its
//!   `filed` date, then accession) is the fact, given at its filing date. An earlier filing whose value
//!   does not meet it given rounding (a restatement) is an earlier vintage of the fact, given at its own
//!   filing date (`eps_diluted[given -1]`); only two such values filed on one day are a conflict, in the
//!   report with both filings. An earlier filing that agrees is no vintage of its own, but the fact is
//!   its too ([`Imported::also`]): a check that reads one filing reads it there
//!   ([`crate::data::Sheets::as_filed`]).
//! - **Stock splits**: share counts a later filing restates by a split's ratio (per-share amounts by its
//!   inverse) are one note per split ([`split`]), their values vintages as any restatement's.
//! - **Derived quarters**: a quarter no filing gives as three months (a Q4, which 10-Ks rarely carry;
//!   a cash-flow quarter, which 10-Qs give only to date) is its year to date less the year to date a
//!   quarter before (Q4 = fiscal year − nine months), for money over a duration only: never a
//!   per-share amount, a share count, a ratio or a balance. Its provenance names both facts, and it
//!   carries the rounding of both (`102466 ± 1 USD m`).
//! - **Precision**: companyfacts drops XBRL's `decimals`, so a filing's precision is inferred from its
//!   values: a filing whose money amounts are all multiples of 10^6 was filed in millions, and each of
//!   its amounts stands for ± half a million ([`precision`]). Money is read in `USD m` (or the
//!   filing's currency), digits after the point kept where a filing was more precise.
//! - **Units**: a currency is money; `USD/shares` a per-share amount (`USD/share`, which is net
//!   income over a share count); `shares` a number of shares; `pure` a ratio, read as a percentage.
//! - **Entity**: the ticker the concept map gives for the CIK (`[entities]`), else `CIK` and ten digits.
//! - **Provenance**: every fact names its concept, dates, form, accession and filing date
//!   (`us-gaap:Revenues 2024-09-29..2025-09-27, 10-K 0000320193-25-000079 filed 2025-10-31`).

pub mod calendar;
pub mod map;
pub mod split;
pub mod write;

use std::borrow::Cow;
use std::collections::BTreeMap;

use jsonc_parser::ast::{Object, ObjectPropName, Value};
use jsonc_parser::common::Ranged;
use rust_decimal::Decimal;

use crate::diag::Diag;
use crate::num::quantity::Approx;
use crate::num::real::shifted;
use crate::num::unit::UnitName;
use crate::num::{Currency, Quantity, RatioStyle, Scale, Unit, parse_decimal};
use crate::period::Period;
use crate::source::{SourceId, Sources, Span};
use crate::syntax::ast::Scenario;

use super::json::span;
use super::sheet::{Fact, FactKey, FactValue, Origin, SheetBuilder};
use calendar::{Calendar, Date, Unplaced};
pub use map::ConceptMap;

/// Whether a JSON file's root object is a companyfacts response: `cik` and `facts`, no `entity`.
pub fn is_companyfacts(root: &Object<'_>) -> bool {
    root.get("cik").is_some() && root.get("facts").is_some() && root.get("entity").is_none()
}

/// Reads a companyfacts file (already in `sources` as `file`, parsed as `root`) into `builder`, its
/// facts described by their filings in a source of their own.
pub fn load(
    root: &Object<'_>,
    file: SourceId,
    map: &ConceptMap,
    sources: &mut Sources,
    builder: &mut SheetBuilder,
) -> Result<(), Vec<Diag>> {
    let import = import(root, file, map)?;
    let name = sources.get(file).name.clone();
    let described = sources.add_described(name, Vec::new());
    let mut places = Vec::new();
    builder.add_source(described, Some(import.source_name()));
    // the fiscal calendar the periods were placed in, for rules that compare companies
    if let (Some(value), Some(end)) = (import.fiscal_year_end(), import.year_end) {
        places.push(format!("the fiscal year end of its last annual report, {end}"));
        let origin = Origin { file: described, span: Span::place(0) };
        let (entity, key) = (import.entity.clone(), "fiscal_year_end".to_owned());
        builder.attribute(crate::data::entity::Attribute { entity, key, value, origin });
    }
    let mut fact = |value: FactValue, place: &str, given: Option<Date>| {
        places.push(place.to_owned());
        Fact { value, origin: Origin { file: described, span: Span::place(places.len() - 1) }, given }
    };
    map.metrics.keys().for_each(|metric| builder.keep_metric(metric));
    let mut kept = Vec::with_capacity(import.facts.len());
    for f in &import.facts {
        let key = FactKey {
            entity: import.entity.clone(),
            metric: f.metric.clone(),
            period: f.period,
            scenario: Scenario::Actual,
        };
        let made = fact(f.value, &f.place, f.given);
        builder.insert(key.clone(), made);
        builder.also_given(&f.also);
        kept.push((key, vec![made]));
    }
    // An earlier filing's different value is an earlier vintage of the fact (a restatement), one
    // a vintage: a second value filed on a day that already has one is a conflict with it.
    for c in &import.conflicts {
        let other = fact(c.value, &c.place, c.given);
        let (key, vintages) = &mut kept[c.kept];
        match vintages.iter().find(|v| v.given == other.given) {
            Some(&same) => builder.conflict(key.clone(), same, other),
            None => {
                builder.insert(key.clone(), other);
                vintages.push(other);
            }
        }
    }
    import.splits.iter().for_each(|s| builder.split(s.clone()));
    sources.set_places(described, places);
    Ok(())
}

/// A companyfacts file as the facts of one entity's sheet.
#[derive(Debug, Clone)]
pub struct Import {
    pub cik: u64,
    /// The entity the facts are given to: a ticker from the map, else `CIK0000320193`.
    pub entity: String,
    /// The company's name as the file gives it (`entityName`).
    pub name: String,
    /// The facts, by period, then metric.
    pub facts: Vec<Imported>,
    /// Earlier filings that disagree with a fact kept, in the order of the facts.
    pub conflicts: Vec<Disagreement>,
    /// The last fiscal year end the filings date, if any annual report is in the file.
    pub year_end: Option<Date>,
    /// How many mapped facts fell in no period of the sheet, and why.
    pub unplaced: BTreeMap<Unplaced, usize>,
    /// How many quarters were derived from years to date.
    pub derived: usize,
    /// The stock splits the filings' restated share counts show, by date ([`split`]).
    pub splits: Vec<crate::data::Split>,
}

/// One fact of an import.
#[derive(Debug, Clone)]
pub struct Imported {
    pub metric: String,
    pub period: Period,
    pub value: FactValue,
    /// Where it came from: concept, dates, form, accession and filing date (two of each if derived).
    pub place: String,
    /// The filing date, its vintage (a derived quarter's: the later of its two filings').
    pub given: Option<Date>,
    /// The dates of the earlier filings that give the same value: the fact is theirs too, so a check
    /// that takes its inputs from one of them reads it ([`crate::data::Sheets::as_filed`]).
    pub also: Vec<Date>,
}

/// An earlier filing's value that does not meet the value kept for a fact.
#[derive(Debug, Clone)]
pub struct Disagreement {
    /// The index of the fact kept in [`Import::facts`].
    pub kept: usize,
    pub value: FactValue,
    pub place: String,
    /// The earlier filing's date: a vintage of the fact where it differs from the kept one's.
    pub given: Option<Date>,
}

impl Import {
    /// The name of the data source: the company and its CIK.
    pub fn source_name(&self) -> String {
        format!("{}, SEC companyfacts CIK{:010}", self.name, self.cik)
    }

    /// The day the company's fiscal year ends, as a data file's `fiscal_year_end` writes it: the month
    /// and day of the last year end its annual reports date (`"09-27"`).
    pub fn fiscal_year_end(&self) -> Option<String> {
        self.year_end.map(|end| {
            let (_, month, day) = end.civil();
            format!("{month:02}-{day:02}")
        })
    }
}

/// A filing: its filing date, accession number and form, ordered so that the most recent is last.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Filing {
    filed: String,
    accession: String,
    form: String,
}

/// A fact as filed, of a concept the map reads.
#[derive(Debug, Clone)]
struct Filed<'m> {
    metric: &'m str,
    /// The concept's rank in its metric's list: the lower, the more preferred.
    rank: usize,
    concept: String,
    start: Option<Date>,
    end: Date,
    /// The value as written.
    raw: Decimal,
    /// The XBRL unit: `USD`, `USD/shares`, `shares`, `pure`.
    unit: String,
    filing: usize,
}

/// Reads the facts of the concepts `map` names and places them in fiscal periods.
pub fn import(root: &Object<'_>, file: SourceId, map: &ConceptMap) -> Result<Import, Vec<Diag>> {
    let mut reader = Reader { file, filings: Vec::new(), accessions: BTreeMap::new(), errors: Vec::new() };
    let cik = reader.cik(root);
    let name = root.get_string("entityName").map_or_else(String::new, |s| s.value.to_string());
    let concepts = map.by_concept();
    let mut read = Read::default();
    reader.facts(root, &concepts, &mut read);
    if !reader.errors.is_empty() {
        return Err(reader.errors);
    }
    let entity = map.entities.get(&cik).cloned().unwrap_or_else(|| format!("CIK{cik:010}"));
    let mut import = Import {
        cik,
        entity,
        name,
        facts: Vec::new(),
        conflicts: Vec::new(),
        year_end: None,
        unplaced: BTreeMap::new(),
        derived: 0,
        splits: Vec::new(),
    };
    let Some(calendar) = Calendar::from_year_ends(read.year_ends) else {
        if read.filed.is_empty() {
            return Ok(import);
        }
        let diag = Diag::error("sec", "the file has no annual report, so its fiscal years cannot be told")
            .in_file(file)
            .primary(Span::new(0, 0), "in this file")
            .with_help("tickmark learns a company's fiscal year end from the twelve-month durations of its 10-K");
        return Err(vec![diag]);
    };
    import.year_end = Some(calendar.last_end());
    let precision = precision(&read.amounts, reader.filings.len());
    let facts = Facts { filings: &reader.filings, precision: &precision };
    facts.place(read.filed, &calendar, &mut import);
    Ok(import)
}

/// What the reader gathers from the whole file.
#[derive(Default)]
struct Read<'m> {
    /// The facts of mapped concepts.
    filed: Vec<Filed<'m>>,
    /// The end of every twelve-month duration of an annual report.
    year_ends: Vec<Date>,
    /// Every money amount and share count of every filing (but `dei`'s cover-page figures): the
    /// evidence of the filing's precision.
    amounts: Vec<(usize, Rounded, Decimal)>,
}

/// Reads the file's facts, collecting what is wrong with its shape.
struct Reader {
    file: SourceId,
    filings: Vec<Filing>,
    accessions: BTreeMap<String, usize>,
    errors: Vec<Diag>,
}

impl Reader {
    /// The CIK: a number, or a string of digits.
    fn cik(&mut self, root: &Object<'_>) -> u64 {
        let prop = root.get("cik");
        let number = match prop.map(|p| &p.value) {
            Some(Value::NumberLit(n)) => n.value.parse().ok(),
            Some(Value::StringLit(s)) => s.value.trim_start_matches("CIK").parse().ok(),
            _ => None,
        };
        number.unwrap_or_else(|| {
            let at = prop.map_or(Span::new(0, 0), |p| span(p.value.range()));
            self.error(at, "`cik` is not a number", "a companyfacts file names its company: `\"cik\": 320193`");
            0
        })
    }

    /// Records a shape error.
    fn error(&mut self, at: Span, message: &str, help: &str) {
        self.errors.push(Diag::error("sec", message.to_owned()).in_file(self.file).primary(at, "here").with_help(help));
    }

    /// Reads every fact of the file into `read`.
    fn facts<'m>(&mut self, root: &Object<'_>, concepts: &BTreeMap<&'m str, (&'m str, usize)>, read: &mut Read<'m>) {
        let Some(taxonomies) = root.get_object("facts") else {
            let at = root.get("facts").map_or(Span::new(0, 0), |p| span(p.value.range()));
            return self.error(at, "`facts` is not an object", "`facts` holds `{\"us-gaap\": {\"Revenues\": ...}}`");
        };
        for taxonomy in &taxonomies.properties {
            let Value::Object(concept_list) = &taxonomy.value else { continue };
            let taxonomy_name = name_of(&taxonomy.name);
            for concept in &concept_list.properties {
                let Some(units) = concept.value.as_object().and_then(|body| body.get_object("units")) else {
                    continue;
                };
                let full = format!("{taxonomy_name}:{}", name_of(&concept.name));
                let mapped = concepts.get(full.as_str()).copied();
                for unit in &units.properties {
                    let Value::Array(list) = &unit.value else {
                        self.error(
                            span(unit.value.range()),
                            "a unit's facts are not a list",
                            "write `\"USD\": [{...}]`",
                        );
                        continue;
                    };
                    let unit_name = name_of(&unit.name);
                    let rounded = Rounded::of(&unit_name).filter(|_| taxonomy_name != "dei");
                    for item in &list.elements {
                        let Some((start, end, raw, filing)) = self.fact(item) else { continue };
                        if let Some(start) = start
                            && ANNUAL_FORMS.iter().any(|f| self.filings[filing].form.starts_with(f))
                            && (350..=380).contains(&(start.until(end) + 1))
                        {
                            read.year_ends.push(end);
                        }
                        if let Some(kind) = rounded {
                            read.amounts.push((filing, kind, raw));
                        }
                        if let Some((metric, rank)) = mapped {
                            let (concept, unit) = (full.clone(), unit_name.to_string());
                            read.filed.push(Filed { metric, rank, concept, start, end, raw, unit, filing });
                        }
                    }
                }
            }
        }
    }

    /// Reads one fact's dates, value and filing; `None` after recording what is wrong with it.
    fn fact(&mut self, item: &Value<'_>) -> Option<(Option<Date>, Date, Decimal, usize)> {
        let Value::Object(fact) = item else {
            self.error(span(item.range()), "a fact is not an object", FACT_HELP);
            return None;
        };
        let end = self.date(fact, "end", true)??;
        let start = self.date(fact, "start", false)?;
        let Some(val) = fact.get_number("val") else {
            self.error(span(fact.range), "a fact has no numeric `val`", FACT_HELP);
            return None;
        };
        // JSON may write a value with an exponent (`1e-05`, a par value): it is still an exact decimal.
        let Some(raw) = parse_decimal(val.value).or_else(|| Decimal::from_scientific(val.value).ok()) else {
            self.error(span(val.range), "a fact's `val` is not a number tickmark can read exactly", FACT_HELP);
            return None;
        };
        let text = |name: &str| fact.get_string(name).map(|s| s.value.as_ref());
        let (Some(accession), Some(form), Some(filed)) = (text("accn"), text("form"), text("filed")) else {
            self.error(span(fact.range), "a fact has no `accn`, `form` or `filed`", FACT_HELP);
            return None;
        };
        // A filing gives hundreds of facts: its strings are kept once.
        let filing = match self.accessions.get(accession) {
            Some(&i) => i,
            None => {
                self.accessions.insert(accession.to_owned(), self.filings.len());
                let (filed, accession, form) = (filed.to_owned(), accession.to_owned(), form.to_owned());
                self.filings.push(Filing { filed, accession, form });
                self.filings.len() - 1
            }
        };
        Some((start, end, raw, filing))
    }

    /// A fact's date field: `Some(Some(date))`, `Some(None)` where an optional one is absent, `None`
    /// after recording an error.
    fn date(&mut self, fact: &Object<'_>, name: &str, required: bool) -> Option<Option<Date>> {
        match fact.get_string(name) {
            Some(text) => match Date::parse(&text.value) {
                Some(date) => Some(Some(date)),
                None => {
                    self.error(span(text.range), &format!("a fact's `{name}` is not a date `YYYY-MM-DD`"), FACT_HELP);
                    None
                }
            },
            None if required => {
                self.error(span(fact.range), &format!("a fact has no `{name}` date"), FACT_HELP);
                None
            }
            None => Some(None),
        }
    }
}

/// The forms of annual reports, whose twelve-month durations end fiscal years.
const ANNUAL_FORMS: [&str; 4] = ["10-K", "20-F", "40-F", "10-KT"];

/// What a companyfacts fact looks like.
const FACT_HELP: &str = "a companyfacts fact is `{\"start\": \"2024-09-29\", \"end\": \"2025-09-27\", \"val\": \
                         416161000000, \"accn\": \"0000320193-25-000079\", \"form\": \"10-K\", \"filed\": \"2025-10-31\"}`";

/// A property name's text.
fn name_of<'a>(name: &ObjectPropName<'a>) -> Cow<'a, str> {
    match name {
        ObjectPropName::String(s) => s.value.clone(),
        ObjectPropName::Word(w) => Cow::Borrowed(w.value),
    }
}

/// What a filing rounds alike: its money amounts, and its share counts (often to a different power).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rounded {
    Money = 0,
    Shares = 1,
}

impl Rounded {
    /// The kind of a unit whose amounts a filing rounds: a currency, or `shares`.
    fn of(unit: &str) -> Option<Rounded> {
        match unit {
            "shares" => Some(Rounded::Shares),
            _ if Currency::parse(unit).is_some() => Some(Rounded::Money),
            _ => None,
        }
    }
}

/// The precision each filing was made in, per [`Rounded`] kind, as the power of ten (0 to 6) that
/// divides every amount of the kind it gives: 6 for money in millions. companyfacts drops XBRL's
/// `decimals`, and every amount of one filing is rounded alike (a filing in millions gives
/// 416161000000, never 416161234567), so the amounts say it; it is capped at millions, as filings are
/// made in units, thousands or millions, and a filing of a few round amounts must not read as one in
/// billions.
fn precision(amounts: &[(usize, Rounded, Decimal)], filings: usize) -> Vec<[u32; 2]> {
    let mut power = vec![[MILLIONS; 2]; filings];
    for &(filing, kind, amount) in amounts {
        if amount.is_zero() {
            continue;
        }
        let zeros = if !amount.fract().is_zero() { 0 } else { trailing_zeros(amount) };
        let power = &mut power[filing][kind as usize];
        *power = (*power).min(zeros);
    }
    power
}

/// The power of ten of a filing in millions.
const MILLIONS: u32 = 6;

/// How many zeros end a whole number's digits (at most [`MILLIONS`]).
fn trailing_zeros(whole: Decimal) -> u32 {
    let mut m = whole.trunc().mantissa().unsigned_abs();
    let mut zeros = 0;
    while zeros < MILLIONS && m.is_multiple_of(10) && m != 0 {
        m /= 10;
        zeros += 1;
    }
    zeros
}

/// The filings of a file and their precisions: what reading a fact's value needs.
struct Facts<'f> {
    filings: &'f [Filing],
    precision: &'f [[u32; 2]],
}

/// An earlier filing's value that does not meet the fact kept: the value, where it was filed, and when.
type Earlier = (FactValue, String, Option<Date>);

/// The facts of one metric at one fiscal span, the most recent filing first.
type Group<'m> = Vec<Filed<'m>>;

/// The fact a group keeps: the most recent filing's, with its value.
struct Kept<'g, 'm> {
    filed: &'g Filed<'m>,
    value: FactValue,
    /// The dates of the earlier filings that give a value that meets it.
    agreeing: Vec<Date>,
}

impl Facts<'_> {
    /// Places the filed facts in periods, keeps the most recent filing's of each, derives the quarters
    /// no filing gives, and writes the result into `import`.
    fn place(&self, filed: Vec<Filed<'_>>, calendar: &Calendar, import: &mut Import) {
        let mut groups: BTreeMap<(&str, calendar::Span), Group<'_>> = BTreeMap::new();
        for f in filed {
            let at = match f.start {
                Some(start) => calendar.duration(start, f.end),
                None => calendar.instant(f.end),
            };
            // A year the period reader refuses is left out here too, so that an import reads back.
            let at =
                at.and_then(
                    |at| if crate::period::YEARS.contains(&at.year()) { Ok(at) } else { Err(Unplaced::OutOfRange) },
                );
            match at {
                Ok(at) => groups.entry((f.metric, at)).or_default().push(f),
                Err(why) => *import.unplaced.entry(why).or_default() += 1,
            }
        }
        let mut out: Vec<(Imported, Vec<Earlier>)> = Vec::new();
        let mut kept: BTreeMap<(&str, calendar::Span), Kept<'_, '_>> = BTreeMap::new();
        let mut restated = Vec::new();
        for (&(metric, at), group) in &mut groups {
            let best = group.iter().map(|f| f.rank).min().unwrap_or(0);
            group.retain(|f| f.rank == best);
            group.sort_by(|a, b| self.filings[b.filing].cmp(&self.filings[a.filing]));
            self.restatements(group, &mut restated);
            let Some(value) = group.first().and_then(|f| self.value(f)) else { continue };
            let mut disagreeing = Vec::new();
            let mut agreeing = Vec::new();
            for older in &group[1..] {
                let Some(other) = self.value(older) else { continue };
                if value.agrees_with(&other) {
                    agreeing.extend(self.filed(older));
                } else {
                    disagreeing.push((other, self.describe(older), self.filed(older)));
                }
            }
            let filed = &group[0];
            let place = self.describe(filed) + &also(agreeing.len());
            for period in periods(at) {
                let (given, also) = (self.filed(filed), agreeing.clone());
                let imported = Imported { metric: metric.to_owned(), period, value, place: place.clone(), given, also };
                out.push((imported, disagreeing.clone()));
            }
            kept.insert((metric, at), Kept { filed, value, agreeing });
        }
        import.splits = split::find(&import.entity, &restated);
        for (imported, place) in self.derive(&kept) {
            import.derived += 1;
            out.push((Imported { place, ..imported }, Vec::new()));
        }
        out.sort_by(|(a, _), (b, _)| (a.period.slot(), &a.metric).cmp(&(b.period.slot(), &b.metric)));
        for (imported, disagreeing) in out {
            for (value, place, given) in disagreeing {
                import.conflicts.push(Disagreement { kept: import.facts.len(), value, place, given });
            }
            import.facts.push(imported);
        }
    }

    /// The restatements of a share count or per-share amount between consecutive filings of a group
    /// (the most recent first), for telling stock splits.
    fn restatements(&self, group: &[Filed<'_>], out: &mut Vec<split::Restated>) {
        for pair in group.windows(2) {
            let (later, earlier) = (&pair[0], &pair[1]);
            let count = later.unit == "shares";
            if later.unit != earlier.unit || !(count || later.unit.ends_with("/shares")) {
                continue;
            }
            let (Some(old), Some(new), Some(before), Some(after)) =
                (self.value(earlier), self.value(later), self.filed(earlier), self.filed(later))
            else {
                continue;
            };
            if before < after && !old.agrees_with(&new) {
                out.extend(split::Restated::of(count, &old, &new, (before, after), self.describe(later)));
            }
        }
    }

    /// The quarters no filing gives as three months, each its year to date less the year to date a
    /// quarter before, for money over a duration only; with the provenance of both.
    fn derive(&self, kept: &BTreeMap<(&str, calendar::Span), Kept<'_, '_>>) -> Vec<(Imported, String)> {
        use calendar::Span as S;
        let mut out = Vec::new();
        let flows = kept.iter().filter(|(_, k)| k.filed.start.is_some() && Currency::parse(&k.filed.unit).is_some());
        let years: std::collections::BTreeSet<(&str, i32)> = flows
            .filter_map(|(&(metric, at), _)| match at {
                S::Year(year) | S::ToDate { year, .. } | S::Quarter { year, .. } => Some((metric, year)),
                S::Instant { .. } => None,
            })
            .collect();
        for (metric, year) in years {
            let to_date = |quarters: u8| {
                let at = match quarters {
                    1 => S::Quarter { year, quarter: 1 },
                    4 => S::Year(year),
                    n => S::ToDate { year, quarters: n },
                };
                kept.get(&(metric, at))
            };
            for quarter in 2..=4u8 {
                if kept.contains_key(&(metric, S::Quarter { year, quarter })) {
                    continue;
                }
                let (Some(to), Some(before)) = (to_date(quarter), to_date(quarter - 1)) else { continue };
                let (Some(value), true) = (difference(&to.value, &before.value), to.filed.unit == before.filed.unit)
                else {
                    continue;
                };
                let place = format!(
                    "derived as {} less {}",
                    self.describe(to.filed) + &also(to.agreeing.len()),
                    self.describe(before.filed) + &also(before.agreeing.len())
                );
                let period = Period::Quarter { year, quarter };
                let given = self.filed(to.filed).max(self.filed(before.filed));
                let metric = metric.to_owned();
                let also = Vec::new();
                out.push((Imported { metric, period, value, place: String::new(), given, also }, place));
            }
        }
        out
    }

    /// A fact's value in tickmark's units, at its filing's precision; `None` for a value that cannot
    /// be read so (a ratio of fewer than two decimals, a figure of more than 28 digits).
    fn value(&self, f: &Filed<'_>) -> Option<FactValue> {
        let (raw, unit) = (f.raw, f.unit.as_str());
        let quantity = if let Some(currency) = Currency::parse(unit) {
            // 416161000000 from a filing in millions is 416161 USD m: its zeros below the filing's
            // precision dropped, its point moved to millions.
            let power = self.precision[f.filing][Rounded::Money as usize];
            let unit = 10i128.pow(power);
            let (digits, exponent) = match raw.scale() == 0 && raw.mantissa() % unit == 0 {
                true => (Decimal::from_i128_with_scale(raw.mantissa() / unit, 0), power as i32),
                false => (raw, 0),
            };
            Quantity::new(shifted(digits, exponent - MILLIONS as i32)?, Unit::Money(currency, Scale::Million))
        } else if unit == "pure" {
            // 0.241 is 24.1 %: the point moves two places, the precision with it (a value of fewer
            // than two decimals would claim a precision it has not: `1` is not `100 %` ± 0.5).
            if raw.scale() < 2 {
                return None;
            }
            Quantity::new(shifted(raw, 2)?, Unit::Ratio(RatioStyle::Percent))
        } else if unit == "shares" && raw.scale() == 0 && self.precision[f.filing][Rounded::Shares as usize] > 0 {
            // A count filed in thousands stands for ± 500 shares: a figure and its margin.
            let power = self.precision[f.filing][Rounded::Shares as usize];
            let margin = Decimal::from_i128_with_scale(5 * 10i128.pow(power - 1), 0);
            let value = Quantity::new(raw, Unit::Shares(Scale::One));
            return Some(FactValue::Approx(Approx { value, margin }));
        } else {
            // `USD/shares` is `USD/share`, `shares` a count; any other XBRL unit is a named one
            Quantity::new(raw, Unit::parse(unit).unwrap_or_else(|| Unit::Named(UnitName::intern(unit))))
        };
        Some(FactValue::Number(quantity))
    }

    /// The date a fact was filed: its vintage.
    fn filed(&self, f: &Filed<'_>) -> Option<Date> {
        Date::parse(&self.filings[f.filing].filed)
    }

    /// Where a fact was filed: `us-gaap:Revenues 2024-09-29..2025-09-27, 10-K 0000320193-25-000079 filed
    /// 2025-10-31`.
    fn describe(&self, f: &Filed<'_>) -> String {
        let filing = &self.filings[f.filing];
        let dates = match f.start {
            Some(start) => format!("{start}..{}", f.end),
            None => format!("at {}", f.end),
        };
        format!("{} {dates}, {} {} filed {}", f.concept, filing.form, filing.accession, filing.filed)
    }
}

/// The words for earlier filings that give the same value.
fn also(agreeing: usize) -> String {
    match agreeing {
        0 => String::new(),
        1 => " (the same in 1 earlier filing)".to_owned(),
        n => format!(" (the same in {n} earlier filings)"),
    }
}

/// The periods of the sheet a fiscal span gives a fact at: a balance at a year end closes its fourth
/// quarter and its year; a year to date gives none (it serves to derive quarters).
fn periods(at: calendar::Span) -> Vec<Period> {
    match at {
        calendar::Span::Quarter { year, quarter } => vec![Period::Quarter { year, quarter }],
        calendar::Span::Year(year) => vec![Period::Year(year)],
        calendar::Span::Instant { year, quarter: 4 } => vec![Period::Quarter { year, quarter: 4 }, Period::Year(year)],
        calendar::Span::Instant { year, quarter } => vec![Period::Quarter { year, quarter }],
        calendar::Span::ToDate { .. } => Vec::new(),
    }
}

/// `to − before` of two money figures in one unit, carrying the rounding of both: the margin is the sum
/// of their half digits.
fn difference(to: &FactValue, before: &FactValue) -> Option<FactValue> {
    let (FactValue::Number(to), FactValue::Number(before)) = (to, before) else { return None };
    if to.unit != before.unit {
        return None;
    }
    let half = |q: &Quantity| Decimal::new(5, q.value.scale() + 1);
    let value = to.value.checked_sub(before.value)?;
    let margin = half(to).checked_add(half(before))?.normalize();
    Some(FactValue::Approx(Approx { value: Quantity::new(value, to.unit), margin }))
}
