//! A generated world: entities, periods, metrics with their facts, rules, and the files that
//! write them down.

use std::collections::HashMap;

use super::exact::{Figure, U};
use super::rules::{self, Rule};

/// Which data file holds a metric's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    /// `data/<E>.toml`, `unit = "USD bn"`: bn figures bare, others as strings (`"730 USD m"`).
    Toml,
    /// `data/long.csv`: `entity,metric,period,value,unit`, the unit in its column.
    Csv,
    /// `data/<E>-pure.toml`, without `unit`: pure numbers.
    Pure,
}

/// A metric: its name and where its facts are written.
#[derive(Debug, Clone)]
pub struct Metric {
    pub name: String,
    pub home: Home,
}

/// One entity at one period: the place of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cell {
    pub entity: usize,
    pub period: usize,
}

/// Everything one run of the binary sees, and what the oracle needs to judge it.
#[derive(Debug, Default)]
pub struct World {
    pub entities: Vec<String>,
    pub periods: Vec<String>,
    pub metrics: Vec<Metric>,
    pub facts: HashMap<(usize, Cell), Figure>,
    pub rules: Vec<Rule>,
}

impl World {
    /// Every cell, entities first.
    pub fn cells(&self) -> Vec<Cell> {
        let mut cells = Vec::new();
        for entity in 0..self.entities.len() {
            for period in 0..self.periods.len() {
                cells.push(Cell { entity, period });
            }
        }
        cells
    }

    /// The metrics' names, by index.
    pub fn names(&self) -> Vec<String> {
        self.metrics.iter().map(|m| m.name.clone()).collect()
    }

    /// Adds a metric and returns its index.
    pub fn add_metric(&mut self, name: String, home: Home) -> usize {
        self.metrics.push(Metric { name, home });
        self.metrics.len() - 1
    }

    /// A fact's value, where the data has one.
    pub fn fact(&self, metric: usize, cell: Cell) -> Option<&Figure> {
        self.facts.get(&(metric, cell))
    }

    /// The file a fact is written in, relative to the run's folder.
    pub fn file_of(&self, metric: usize, cell: Cell) -> String {
        let entity = &self.entities[cell.entity];
        match self.metrics[metric].home {
            Home::Toml => format!("data/{entity}.toml"),
            Home::Csv => "data/long.csv".to_owned(),
            Home::Pure => format!("data/{entity}-pure.toml"),
        }
    }

    /// The facts written in one entity's TOML file of a kind, period by period.
    fn toml(&self, entity: usize, home: Home) -> String {
        let mut text = format!("entity = \"{}\"\n", self.entities[entity]);
        if home == Home::Toml {
            text.push_str("unit = \"USD bn\"\n");
        }
        for (p, period) in self.periods.iter().enumerate() {
            let cell = Cell { entity, period: p };
            let lines: Vec<String> = (0..self.metrics.len())
                .filter(|&m| self.metrics[m].home == home)
                .filter_map(|m| self.fact(m, cell).map(|f| (m, f)))
                .map(|(m, f)| {
                    let written =
                        if f.unit == U::Bn || f.unit == U::Bare { f.digits() } else { format!("\"{}\"", f.text()) };
                    format!("{} = {written}", self.metrics[m].name)
                })
                .collect();
            if !lines.is_empty() {
                text.push_str(&format!("\n[actual.{period}]\n{}\n", lines.join("\n")));
            }
        }
        text
    }

    /// The long CSV of every entity's facts whose home is the CSV file.
    fn csv(&self) -> String {
        let mut text = String::from("entity,metric,period,value,unit\n");
        for cell in self.cells() {
            for (m, metric) in self.metrics.iter().enumerate() {
                if let (Home::Csv, Some(f)) = (metric.home, self.fact(m, cell)) {
                    let (entity, period) = (&self.entities[cell.entity], &self.periods[cell.period]);
                    text.push_str(&format!("{entity},{},{period},{},{}\n", metric.name, f.digits(), f.unit.name()));
                }
            }
        }
        text
    }

    /// The rule and data files of the world, each a path relative to the run's folder and its text.
    pub fn files(&self) -> Vec<(String, String)> {
        let names = self.names();
        let half = self.rules.len() / 2;
        let text = |rules: &[Rule]| rules.iter().map(|r| rules::item(r, &names)).collect::<Vec<_>>().join("\n");
        let mut files = vec![
            ("rules/a.tick".to_owned(), text(&self.rules[..half])),
            ("rules/b.tick".to_owned(), text(&self.rules[half..])),
            ("data/long.csv".to_owned(), self.csv()),
        ];
        for e in 0..self.entities.len() {
            files.push((format!("data/{}.toml", self.entities[e]), self.toml(e, Home::Toml)));
            files.push((format!("data/{}-pure.toml", self.entities[e]), self.toml(e, Home::Pure)));
        }
        files
    }
}
