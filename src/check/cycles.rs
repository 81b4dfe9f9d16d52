//! Cycles among cells: `let a = b + 1` with `let b = a * 2` can never be computed.

use crate::diag::Diag;
use crate::limits;
use crate::source::Span;

use super::program::{CKind, CellId, Program};
use super::walk;

/// Finds every cycle among cells, each reported once with the path around it; where there is none,
/// reports a chain of cells nested deeper than [`limits::CELL_DEPTH`], which every later pass
/// (typing, evaluation, explaining) would have to descend.
pub fn find(program: &Program) -> Vec<Diag> {
    let uses = uses(program);
    let mut state = vec![0u8; uses.len()];
    let mut errors = Vec::new();
    for start in 0..uses.len() {
        visit(start, &uses, &mut state, &mut |cycle| errors.push(report(program, &uses, cycle)));
    }
    if errors.is_empty() {
        errors.extend(too_deep(program, &uses));
    }
    errors
}

/// The cells each cell uses, with the span of each use.
fn uses(program: &Program) -> Vec<Vec<(CellId, Span)>> {
    let uses_of = |c: &super::program::Cell| {
        let mut refs = Vec::new();
        walk(&c.body, &mut |e| {
            if let CKind::Cell(id) = e.kind {
                refs.push((id, e.span));
            }
        });
        refs
    };
    program.cells.iter().map(uses_of).collect()
}

/// Depth-first search from `start` with a stack of its own (a chain of cells may be as long as the
/// file allows); `state` is 0 unseen, 1 on the path, 2 done.
fn visit(start: CellId, uses: &[Vec<(CellId, Span)>], state: &mut [u8], found: &mut impl FnMut(&[CellId])) {
    if state[start] != 0 {
        return;
    }
    let mut path = vec![start];
    let mut next = vec![0usize];
    state[start] = 1;
    while let (Some(&cell), Some(edge)) = (path.last(), next.last_mut()) {
        let Some(&(to, _)) = uses[cell].get(*edge) else {
            state[cell] = 2;
            path.pop();
            next.pop();
            continue;
        };
        *edge += 1;
        match state[to] {
            0 => {
                state[to] = 1;
                path.push(to);
                next.push(0);
            }
            1 => {
                let at = path.iter().position(|&c| c == to).unwrap_or(0);
                found(&path[at..]);
            }
            _ => {}
        }
    }
}

/// The error for a chain of cells nested deeper than the limit, at the cell that starts the
/// deepest chain; the cells must form no cycle.
fn too_deep(program: &Program, uses: &[Vec<(CellId, Span)>]) -> Option<Diag> {
    // depth = 1 + the deepest cell used, in an order where every cell comes after those it uses
    let mut depth = vec![0usize; uses.len()];
    let mut state = vec![0u8; uses.len()];
    for start in 0..uses.len() {
        if state[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, false)];
        while let Some((cell, expanded)) = stack.pop() {
            if expanded {
                depth[cell] = 1 + uses[cell].iter().map(|&(c, _)| depth[c]).max().unwrap_or(0);
                state[cell] = 2;
                continue;
            }
            if state[cell] != 0 {
                continue;
            }
            state[cell] = 1;
            stack.push((cell, true));
            stack.extend(uses[cell].iter().filter(|&&(c, _)| state[c] == 0).map(|&(c, _)| (c, false)));
        }
    }
    let (deepest, &levels) = depth.iter().enumerate().max_by_key(|&(_, d)| *d)?;
    (levels > limits::CELL_DEPTH).then(|| {
        let cell = &program.cells[deepest];
        Diag::error("too-deep", format!("cells nest {levels} deep, more than {}", limits::CELL_DEPTH))
            .in_file(cell.file)
            .primary(cell.name_span, format!("`{}` uses a cell that uses a cell ..., {levels} levels down", cell.name))
            .with_help("a cell may use cells that use cells, up to the limit: compute the chain in fewer steps")
    })
}

/// The diagnostic for one cycle: each cell's use of the next is labelled.
fn report(program: &Program, uses: &[Vec<(CellId, Span)>], cycle: &[CellId]) -> Diag {
    let mut names: Vec<String> =
        cycle.iter().take(CYCLE_LINKS).chain(cycle.first()).map(|&c| format!("`{}`", program.cells[c].name)).collect();
    if cycle.len() > CYCLE_LINKS {
        names.insert(CYCLE_LINKS, format!("... {} more", cycle.len() - CYCLE_LINKS));
    }
    let link = |i: usize| {
        let (from, to) = (cycle[i], cycle[(i + 1) % cycle.len()]);
        let span = uses[from].iter().find(|(c, _)| *c == to).map_or(program.cells[from].name_span, |(_, s)| *s);
        (
            program.cells[from].file,
            span,
            format!("`{}` uses `{}` here", program.cells[from].name, program.cells[to].name),
        )
    };
    let (file, span, text) = link(0);
    let mut diag = Diag::error("cycle", format!("cells form a cycle: {}", names.join(" → ")))
        .in_file(file)
        .primary(span, text)
        .with_help("a cell cannot depend on itself, directly or through others");
    for i in 1..cycle.len().min(CYCLE_LINKS) {
        let (file, span, text) = link(i);
        let same_file = diag.file == Some(file);
        if same_file {
            diag = diag.label(span, text);
        } else {
            diag = diag.with_related(Diag::error("cycle", text.clone()).in_file(file).primary(span, text));
        }
    }
    if cycle.len() > CYCLE_LINKS {
        diag = diag.note(format!("(and {} more links, not labelled)", cycle.len() - CYCLE_LINKS));
    }
    diag
}

/// How many links of a cycle are labelled: a cycle through thousands of cells is named whole in
/// the message, but labelled only this far.
const CYCLE_LINKS: usize = 16;
