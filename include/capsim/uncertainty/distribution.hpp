#pragma once
/// Probability distributions of uncertain scenario inputs, by their inverse CDF.
///
/// Every draw is quantile(u) of a uniform u in (0, 1): one uniform per input (or per correlated
/// group) makes common random numbers, rank correlation and Latin hypercube designs the same
/// machinery, and a distribution of zero width returns its value exactly, so a point
/// distribution reproduces the deterministic run bit for bit. Parameters are in the key's
/// canonical unit (seconds, USD, watts, fractions), never in the unit the user wrote.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace capsim::uncertainty {

enum class DistributionForm {
  normal,      ///< mean, sd; optionally truncated to [low, high]
  uniform,     ///< low, high
  loguniform,  ///< low, high, both > 0: uniform in log space
  triangular,  ///< low, mode, high
  pert,        ///< low, mode, high: Beta-PERT, shape 4 (Vose, "Risk Analysis", 2008)
  lognormal,   ///< median, p90 (p90 >= median > 0)
  choice,      ///< one of several values, with weights
};

/// The form's name as written in a scenario ("triangular").
std::string_view form_name(DistributionForm form);
/// The positional parameters of the compact form, in order: {"low", "mode", "high"}.
const std::vector<std::string_view>& form_parameters(DistributionForm form);

/// A distribution over the canonical value of one key. Immutable once made; cheap to copy.
class Distribution {
 public:
  /// Makes a continuous distribution. `parameters` in form_parameters order, canonical units.
  /// Throws std::invalid_argument with a message for the user ("expected low <= mode <= high,
  /// found low 14, mode 12, high 26") when they are not a valid distribution.
  static Distribution continuous(DistributionForm form, std::vector<double> parameters);
  /// A normal truncated to [low, high] (low < high, and the interval holding some mass).
  static Distribution truncated_normal(double mean, double sd, double low, double high);
  /// A discrete choice among `count` values, by index: quantile() returns the index. Weights
  /// positive, not all zero; normalised here. Throws std::invalid_argument.
  static Distribution choice(std::vector<double> weights);

  DistributionForm form() const { return form_; }
  const std::vector<double>& parameters() const { return parameters_; }
  bool truncated() const { return truncated_; }

  /// The inverse CDF at u in [0, 1]: the smallest x with F(x) >= u. For a choice, the chosen
  /// index. u = 0 and u = 1 give the ends of the support (infinite for an untruncated normal,
  /// and for a lognormal's upper end). O(1), except PERT (a Beta quantile, iterative).
  double quantile(double u) const;
  double median() const { return quantile(0.5); }
  /// The exact mean and variance of the distribution (of the index, for a choice).
  double mean() const;
  double variance() const;
  /// Zero width: every quantile is the same value.
  bool is_point() const;

 private:
  DistributionForm form_ = DistributionForm::uniform;
  std::vector<double> parameters_;  ///< canonical; for a choice, the normalised weights
  bool truncated_ = false;          ///< normal only: parameters_ = {mean, sd, low, high}
};

}  // namespace capsim::uncertainty
