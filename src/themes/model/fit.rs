//! Fitting one binary model: L2-regularised logistic regression over sparse binary rows,
//! minimised by smartcore's L-BFGS.
//!
//! Contract: the objective is smartcore's own binary logistic objective
//! (`sum_i log(1 + e^z_i) - y_i z_i + alpha/2 |w|^2`, the intercept not penalised), computed
//! over the row's feature ids instead of a dense matrix: smartcore's `LogisticRegression`
//! takes a dense matrix and was 25 times slower on paragraph features. The start point,
//! the optimiser's settings and the order of every sum are fixed, so the same rows give
//! the same weights, bit for bit.

use smartcore::optimization::FunctionOrder;
use smartcore::optimization::first_order::FirstOrderOptimizer;
use smartcore::optimization::first_order::lbfgs::LBFGS;
use smartcore::optimization::line_search::Backtracking;

/// Iterations of L-BFGS at most (convergence usually comes within a hundred).
const MAX_ITERATIONS: usize = 1000;

/// A fitted model: one weight per feature id, and the intercept.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// Weight of each feature id.
    pub weights: Vec<f64>,
    /// The intercept.
    pub intercept: f64,
}

impl Fitted {
    /// The probability of the positive class for a row of feature ids.
    pub fn score(&self, row: &[u32]) -> f64 {
        let z = self.intercept + row.iter().map(|&j| self.weights[j as usize]).sum::<f64>();
        sigmoid(z)
    }
}

/// The logistic function.
pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// `log(1 + e^z)` without overflow.
fn log1p_exp(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

/// Fits `labels` on `rows` (sorted distinct feature ids below `n_features`) with L2
/// penalty `alpha`.
pub fn fit_logistic(rows: &[Vec<u32>], labels: &[bool], n_features: usize, alpha: f64) -> Fitted {
    let p = n_features;
    let margin = |w: &[f64], row: &[u32]| w[p] + row.iter().map(|&j| w[j as usize]).sum::<f64>();
    let f = |w: &Vec<f64>| -> f64 {
        let mut loss = 0.0;
        for (row, &y) in rows.iter().zip(labels) {
            let z = margin(w, row);
            loss += log1p_exp(z) - if y { z } else { 0.0 };
        }
        loss + 0.5 * alpha * w[..p].iter().map(|v| v * v).sum::<f64>()
    };
    let df = |g: &mut Vec<f64>, w: &Vec<f64>| {
        g.iter_mut().for_each(|v| *v = 0.0);
        for (row, &y) in rows.iter().zip(labels) {
            let d = sigmoid(margin(w, row)) - if y { 1.0 } else { 0.0 };
            for &j in row {
                g[j as usize] += d;
            }
            g[p] += d;
        }
        for (gj, wj) in g[..p].iter_mut().zip(&w[..p]) {
            *gj += alpha * wj;
        }
    };
    let line_search: Backtracking<f64> = Backtracking {
        order: FunctionOrder::THIRD,
        ..Default::default()
    };
    let optimizer = LBFGS {
        max_iter: MAX_ITERATIONS,
        ..Default::default()
    };
    let result = optimizer.optimize(&f, &df, &vec![0.0; p + 1], &line_search);
    let mut weights = result.x;
    let intercept = weights.pop().unwrap_or(0.0);
    Fitted { weights, intercept }
}

#[cfg(test)]
mod tests {
    use smartcore::linalg::basic::matrix::DenseMatrix;
    use smartcore::linear::logistic_regression::{
        LogisticRegression, LogisticRegressionParameters,
    };

    use super::*;

    /// Rows of a small problem: feature 0 marks most positives, feature 1 most negatives.
    fn problem() -> (Vec<Vec<u32>>, Vec<bool>) {
        let mut rows = Vec::new();
        let mut labels = Vec::new();
        for i in 0..60u32 {
            let positive = i % 3 == 0;
            let mut row = vec![2 + i % 4];
            if positive == (i % 7 != 0) {
                row.insert(0, 0);
            } else {
                row.insert(0, 1);
            }
            rows.push(row);
            labels.push(positive);
        }
        (rows, labels)
    }

    #[test]
    fn the_sparse_objective_reaches_smartcores_dense_optimum() {
        let (rows, labels) = problem();
        let fitted = fit_logistic(&rows, &labels, 6, 1.0);
        let dense: Vec<Vec<f64>> = rows
            .iter()
            .map(|r| {
                (0..6)
                    .map(|j| f64::from(u8::from(r.contains(&j))))
                    .collect()
            })
            .collect();
        let x = DenseMatrix::from_2d_vec(&dense).unwrap();
        let y: Vec<u32> = labels.iter().map(|&b| u32::from(b)).collect();
        let reference: LogisticRegression<f64, u32, DenseMatrix<f64>, Vec<u32>> =
            LogisticRegression::fit(
                &x,
                &y,
                LogisticRegressionParameters::default().with_alpha(1.0),
            )
            .unwrap();
        use smartcore::linalg::basic::arrays::Array;
        for j in 0..6 {
            let want = *reference.coefficients().get((0, j));
            assert!(
                (fitted.weights[j] - want).abs() < 1e-4,
                "{j}: {} vs {want}",
                fitted.weights[j]
            );
        }
        let want = *reference.intercept().get((0, 0));
        assert!((fitted.intercept - want).abs() < 1e-4);
        assert!(
            fitted.weights[0] > 1.0 && fitted.weights[1] < -1.0,
            "{fitted:?}"
        );
        assert!(fitted.score(&[0]) > 0.5 && fitted.score(&[1]) < 0.5);
    }

    #[test]
    fn the_same_rows_give_the_same_bits() {
        let (rows, labels) = problem();
        assert_eq!(
            fit_logistic(&rows, &labels, 6, 0.5),
            fit_logistic(&rows, &labels, 6, 0.5)
        );
    }
}
