#pragma once
/// Confidence intervals for simulation output: quantiles of the normal and Student t
/// distributions, and the method of batch means for autocorrelated observations.

#include <cstddef>
#include <span>

namespace capsim {

/// Quantile of the standard normal distribution, p in (0, 1). Acklam's rational approximation
/// refined by one Halley step: absolute error below 1e-12.
double normal_quantile(double p);

/// Quantile of Student's t with `degrees_of_freedom` >= 1, p in (0, 1). Hill's algorithm 396
/// (Comm. ACM 13(10), 1970): relative error below 1e-6 for every degree of freedom.
double student_t_quantile(double p, double degrees_of_freedom);

/// A point estimate with a symmetric confidence interval.
struct Estimate {
  double mean = 0.0;
  double half_width = 0.0;  ///< mean ± half_width covers the true value with `confidence`
  double confidence = 0.0;  ///< e.g. 0.99
  double low() const { return mean - half_width; }
  double high() const { return mean + half_width; }
  bool covers(double value) const { return value >= low() && value <= high(); }
};

/// Mean of independent (or batch-mean) observations with a t-based interval. Needs >= 2
/// observations; confidence in (0, 1).
Estimate t_interval(std::span<const double> observations, double confidence);

/// Running sum of a piecewise-constant signal over time (number in system, busy servers,
/// power draw): the exact integral, updated at every change, never sampled.
class TimeIntegral {
 public:
  explicit TimeIntegral(double start_time = 0.0, double start_value = 0.0)
      : last_time_(start_time), value_(start_value) {}
  /// The signal changes to `new_value` at `time` (>= the previous change).
  void change(double time, double new_value) {
    integral_ += value_ * (time - last_time_);
    last_time_ = time;
    value_ = new_value;
  }
  /// The integral from the start (or the last reset) up to `time`.
  double integral_until(double time) const { return integral_ + value_ * (time - last_time_); }
  /// Starts a new integral at `time`, keeping the current value.
  void reset(double time) {
    integral_ = 0.0;
    last_time_ = time;
  }
  double value() const { return value_; }

 private:
  double last_time_;
  double value_;
  double integral_ = 0.0;
};

}  // namespace capsim
