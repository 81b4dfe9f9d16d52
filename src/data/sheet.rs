//! The sheets: every entity's facts in columns, one per metric and scenario.
//!
//! Facts are gathered by a [`SheetBuilder`] in the order files are given (the first source of a fact
//! wins; a later one that disagrees beyond rounding is a [`Conflict`]), then laid out densely in
//! [`Sheets`]: a column per (metric, scenario) holding one slot per entity and period, so that a
//! compiled rule reads an operand with two multiplications and an index, never a hash lookup.

use std::collections::{BTreeSet, HashMap};

use crate::num::{Quantity, RangeLit, Unit};
use crate::period::Period;
use crate::source::{SourceId, Span};
use crate::syntax::ast::Scenario;

/// Index of an entity in [`Sheets::entities`].
pub type EntityId = u32;
/// Index of a metric in [`Sheets::metrics`].
pub type MetricId = u32;

/// A fact's value as written: a figure or a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactValue {
    Number(Quantity),
    Range(RangeLit),
}

/// Where a fact was written: a data file and the span of its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    pub file: SourceId,
    pub span: Span,
}

/// One value in a sheet with its provenance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fact {
    pub value: FactValue,
    pub origin: Origin,
}

/// What identifies a fact: entity, metric, period and scenario.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactKey {
    pub entity: String,
    pub metric: String,
    pub period: Period,
    pub scenario: Scenario,
}

/// A data file of the run, with the source name it declares and how many facts it gave.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSource {
    pub file: SourceId,
    /// The `source = "..."` of the file, if it names one.
    pub name: Option<String>,
    pub facts: usize,
}

/// Two sources that give one fact with values that do not meet given rounding.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub key: FactKey,
    /// The fact evaluation uses: from the file given first.
    pub kept: Fact,
    pub other: Fact,
}

impl FactValue {
    /// The value as written, with its unit: `213.4 USD bn`, `..213 USD bn`.
    pub fn show(&self) -> String {
        match self {
            FactValue::Number(q) => crate::num::display::quantity(q),
            FactValue::Range(r) => crate::num::display::range(r),
        }
    }
}

impl Fact {
    /// The fact's unit.
    pub fn unit(&self) -> Unit {
        match self.value {
            FactValue::Number(q) => q.unit,
            FactValue::Range(r) => r.lo.or(r.hi).map_or(Unit::None, |q| q.unit),
        }
    }

    /// Whether two facts agree given rounding: their intervals meet (bound by bound for ranges).
    pub fn agrees_with(&self, other: &Fact) -> bool {
        let meets = |a: &Quantity, b: &Quantity| match (a.rounded(), b.rounded()) {
            (Ok(a), Ok(b)) => a.unit.dimension() == b.unit.dimension() && a.meets(&b),
            _ => a == b,
        };
        let bounds = |a: Option<Quantity>, b: Option<Quantity>| match (a, b) {
            (Some(a), Some(b)) => meets(&a, &b),
            (None, None) => true,
            _ => false,
        };
        match (self.value, other.value) {
            (FactValue::Number(a), FactValue::Number(b)) => meets(&a, &b),
            (FactValue::Range(a), FactValue::Range(b)) => bounds(a.lo, b.lo) && bounds(a.hi, b.hi),
            _ => false,
        }
    }
}

/// What kinds of value a column holds: figures, ranges, or both (guidance given as a range in one
/// period and as a point in another).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shape {
    pub numbers: bool,
    pub ranges: bool,
}

/// Gathers facts file by file; the first source of a fact wins.
#[derive(Debug, Default)]
pub struct SheetBuilder {
    facts: Vec<(FactKey, Fact)>,
    index: HashMap<FactKey, usize>,
    conflicts: Vec<Conflict>,
    sources: Vec<DataSource>,
}

impl SheetBuilder {
    /// Registers a data file before its facts are inserted; returns its index among the sources.
    pub fn add_source(&mut self, file: SourceId, name: Option<String>) -> usize {
        self.sources.push(DataSource { file, name, facts: 0 });
        self.sources.len() - 1
    }

    /// Adds a fact of the latest registered source; a second value for a key is kept only as a conflict.
    pub fn insert(&mut self, key: FactKey, fact: Fact) {
        if let Some(source) = self.sources.last_mut() {
            source.facts += 1;
        }
        match self.index.get(&key) {
            Some(&i) => {
                let kept = self.facts[i].1;
                if !kept.agrees_with(&fact) {
                    self.conflicts.push(Conflict { key, kept, other: fact });
                }
            }
            None => {
                self.index.insert(key.clone(), self.facts.len());
                self.facts.push((key, fact));
            }
        }
    }

    /// Lays the facts out in columns.
    pub fn finish(self) -> Sheets {
        Sheets::build(self.facts, self.conflicts, self.sources)
    }
}

/// The facts of every entity, in columns of (metric, scenario) over entity × period slots.
#[derive(Debug, Default)]
pub struct Sheets {
    /// Entity names, sorted.
    pub entities: Vec<String>,
    /// Metric names, sorted.
    pub metrics: Vec<String>,
    metric_ids: HashMap<String, MetricId>,
    /// The slot (see [`Period::slot`]) of the earliest period in the data.
    first_slot: usize,
    /// How many period slots each entity row has.
    n_slots: usize,
    /// One column per metric and scenario (`metric * 3 + scenario`); `None` where it has no fact.
    columns: Vec<Option<Column>>,
    facts: Vec<Fact>,
    /// Per entity, the periods at which it has any fact, in order.
    entity_periods: Vec<Vec<Period>>,
    /// Per metric, the distinct units its facts are written in.
    metric_units: Vec<BTreeSet<Unit>>,
    /// Per column, whether it holds figures and whether it holds ranges.
    shapes: Vec<Shape>,
    pub conflicts: Vec<Conflict>,
    pub sources: Vec<DataSource>,
}

/// The marker of an empty slot.
const EMPTY: u32 = u32::MAX;

/// A column's facts by position (`entity * n_slots + slot`): dense where at least a quarter of the
/// slots hold a fact, else a sorted list of the filled positions. Memory so follows the number of
/// facts, never entities × metrics × periods: a file of a thousand entities, each with a metric of
/// its own, spans a million columns' slots but stores a thousand facts.
#[derive(Debug, Clone)]
enum Column {
    Dense(Vec<u32>),
    Sparse(Vec<(u64, u32)>),
}

impl Column {
    /// An empty column of `size` positions, laid out for `count` facts.
    fn new(size: usize, count: usize) -> Column {
        if size <= count.saturating_mul(4) {
            Column::Dense(vec![EMPTY; size])
        } else {
            Column::Sparse(Vec::with_capacity(count))
        }
    }

    /// Puts a fact index at a position (a sparse column is sorted by [`Column::seal`]).
    fn set(&mut self, position: usize, fact: u32) {
        match self {
            Column::Dense(slots) => slots[position] = fact,
            Column::Sparse(filled) => filled.push((position as u64, fact)),
        }
    }

    /// Sorts a sparse column's positions for lookup.
    fn seal(&mut self) {
        if let Column::Sparse(filled) = self {
            filled.sort_unstable_by_key(|&(position, _)| position);
        }
    }

    /// The fact index at the first filled position.
    fn first(&self) -> Option<u32> {
        match self {
            Column::Dense(slots) => slots.iter().copied().find(|&i| i != EMPTY),
            Column::Sparse(filled) => filled.first().map(|&(_, fact)| fact),
        }
    }

    /// The fact index at a position, if any.
    fn get(&self, position: usize) -> Option<u32> {
        match self {
            Column::Dense(slots) => slots.get(position).copied().filter(|&i| i != EMPTY),
            Column::Sparse(filled) => {
                let found = filled.binary_search_by_key(&(position as u64), |&(p, _)| p).ok()?;
                Some(filled[found].1)
            }
        }
    }
}

impl Sheets {
    /// Builds the columns from gathered facts.
    fn build(facts: Vec<(FactKey, Fact)>, conflicts: Vec<Conflict>, sources: Vec<DataSource>) -> Sheets {
        let entities: Vec<String> =
            facts.iter().map(|(k, _)| k.entity.clone()).collect::<BTreeSet<_>>().into_iter().collect();
        let metrics: Vec<String> =
            facts.iter().map(|(k, _)| k.metric.clone()).collect::<BTreeSet<_>>().into_iter().collect();
        let entity_ids: HashMap<String, usize> = entities.iter().enumerate().map(|(i, e)| (e.clone(), i)).collect();
        let metric_ids: HashMap<String, MetricId> =
            metrics.iter().enumerate().map(|(i, m)| (m.clone(), i as MetricId)).collect();
        let first_slot = facts.iter().map(|(k, _)| k.period.slot()).min().unwrap_or(0);
        let last_slot = facts.iter().map(|(k, _)| k.period.slot()).max().unwrap_or(0);
        let n_slots = if facts.is_empty() { 0 } else { last_slot - first_slot + 1 };
        let mut sheets = Sheets {
            columns: vec![None; metrics.len() * Scenario::ALL.len()],
            entity_periods: vec![Vec::new(); entities.len()],
            metric_units: vec![BTreeSet::new(); metrics.len()],
            shapes: vec![Shape::default(); metrics.len() * Scenario::ALL.len()],
            entities,
            metrics,
            metric_ids,
            first_slot,
            n_slots,
            facts: Vec::with_capacity(facts.len()),
            conflicts,
            sources,
        };
        let mut counts = vec![0usize; sheets.columns.len()];
        for (key, _) in &facts {
            counts[sheets.metric_ids[&key.metric] as usize * 3 + key.scenario as usize] += 1;
        }
        let size = sheets.entities.len() * n_slots;
        for (column, &count) in sheets.columns.iter_mut().zip(&counts) {
            *column = (count > 0).then(|| Column::new(size, count));
        }
        let mut seen: Vec<BTreeSet<Period>> = vec![BTreeSet::new(); sheets.entities.len()];
        for (key, fact) in facts {
            let entity = entity_ids[&key.entity];
            let metric = sheets.metric_ids[&key.metric];
            sheets.metric_units[metric as usize].insert(fact.unit());
            seen[entity].insert(key.period);
            sheets.place(entity, metric, key.period, key.scenario, fact);
        }
        sheets.columns.iter_mut().flatten().for_each(Column::seal);
        sheets.entity_periods = seen.into_iter().map(|s| s.into_iter().collect()).collect();
        sheets
    }

    /// Puts a fact into its column slot.
    fn place(&mut self, entity: usize, metric: MetricId, period: Period, scenario: Scenario, fact: Fact) {
        let index = metric as usize * 3 + scenario as usize;
        match fact.value {
            FactValue::Number(_) => self.shapes[index].numbers = true,
            FactValue::Range(_) => self.shapes[index].ranges = true,
        }
        let position = entity * self.n_slots + period.slot() - self.first_slot;
        if let Some(column) = self.columns[index].as_mut() {
            column.set(position, self.facts.len() as u32);
        }
        self.facts.push(fact);
    }

    /// The id of a metric name.
    pub fn metric_id(&self, name: &str) -> Option<MetricId> {
        self.metric_ids.get(name).copied()
    }

    /// The id of an entity name.
    pub fn entity_id(&self, name: &str) -> Option<EntityId> {
        self.entities.binary_search_by(|e| e.as_str().cmp(name)).ok().map(|i| i as EntityId)
    }

    /// The fact of a metric at an entity, period and scenario.
    pub fn get(&self, metric: MetricId, scenario: Scenario, entity: EntityId, period: Period) -> Option<&Fact> {
        let column = self.columns[metric as usize * 3 + scenario as usize].as_ref()?;
        let slot = self.slot_index(period)?;
        column.get(entity as usize * self.n_slots + slot).map(|i| &self.facts[i as usize])
    }

    /// The first fact (by entity, then period) of a metric in a scenario, if it has any.
    pub fn first_fact(&self, metric: MetricId, scenario: Scenario) -> Option<&Fact> {
        let column = self.columns[metric as usize * 3 + scenario as usize].as_ref()?;
        column.first().map(|i| &self.facts[i as usize])
    }

    /// What kinds of value a metric holds in a scenario.
    pub fn shape(&self, metric: MetricId, scenario: Scenario) -> Shape {
        self.shapes[metric as usize * 3 + scenario as usize]
    }

    /// How many period slots a row has: the span from the earliest to the latest period.
    pub fn n_slots(&self) -> usize {
        self.n_slots
    }

    /// The row index of a period, if it lies within the data's span.
    pub fn slot_index(&self, period: Period) -> Option<usize> {
        period.slot().checked_sub(self.first_slot).filter(|&s| s < self.n_slots)
    }

    /// The periods at which an entity has any fact, in order.
    pub fn periods_of(&self, entity: EntityId) -> &[Period] {
        &self.entity_periods[entity as usize]
    }

    /// The distinct units a metric's facts are written in.
    pub fn units_of(&self, metric: MetricId) -> &BTreeSet<Unit> {
        &self.metric_units[metric as usize]
    }

    /// How many facts the sheets hold (conflicting second values not counted).
    pub fn len(&self) -> usize {
        self.facts.len()
    }

    /// Whether the sheets hold no fact.
    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }
}
