// q^α, the quality weight in the ranking score b q^α + w e (Lahaie & Pennock 2007, "Revenue
// analysis of a family of ranking rules for keyword auctions"), returning exactly what
// std::pow(q, α) returns, faster for the exponents experiments use most:
//   α = 0: 1 and α = 1: q (what pow returns exactly);
//   α = 0.5, α = 2: the correctly rounded sqrt(q) and q·q, checked with their exact residuals
//     (Dekker's product), when the exact q^α lies within 0.4 ulp of that double: every other double
//     is then more than 0.6 ulp away, so any pow accurate to 0.6 ulp returns the same one (glibc's
//     pow, since 2.28, is documented to 0.54 ulp). Otherwise — about one call in five, and on the
//     power-of-two results, where the spacing of doubles changes — it calls std::pow. (pow is
//     not correctly rounded: about one q in 1200 has pow(q, 0.5) != sqrt(q), and half of the q
//     whose square is a tie between two doubles have pow(q, 2) != q·q.)
//   any other α: std::pow.
// tests/mechanisms/quality_weight_test.cc compares it bit for bit with std::pow. (With an
// exponent known at compile time, GCC replaces std::pow(q, 2.0) by q·q; library_pow() does not.)
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace agora {

class QualityWeight {
 public:
  explicit QualityWeight(double alpha = 1.0)
      : alpha_(alpha),
        mode_(alpha == 0.0   ? Mode::kZero
              : alpha == 1.0 ? Mode::kOne
              : alpha == 0.5 ? Mode::kSqrt
              : alpha == 2.0 ? Mode::kSquare
                             : Mode::kPow) {}

  double operator()(double q) const {
    if (mode_ == Mode::kOne) return q;  // the default α, inline on every ranking path
    return other_exponent(q);
  }

  double alpha() const { return alpha_; }
  bool is_zero() const { return mode_ == Mode::kZero; }
  bool is_one() const { return mode_ == Mode::kOne; }

  // std::pow(q, 0.5) and std::pow(q, 2.0).
  static double sqrt_as_pow(double q) {
    if (!(q >= 0x1p-960 && q <= 0x1p960)) return library_pow(q, 0.5);
    const double root = std::sqrt(q);
    // q − root² ≈ 2 root (sqrt(q) − root); q − root·root rounded is exact (Sterbenz).
    const double residual = (q - root * root) - product_error(root, root);
    return near(root, residual, 2.0 * root) ? root : library_pow(q, 0.5);
  }
  static double square_as_pow(double q) {
    if (!(q >= 0x1p-480 && q <= 0x1p510)) return library_pow(q, 2.0);
    const double square = q * q;
    return near(square, product_error(q, q), 1.0) ? square : library_pow(q, 2.0);
  }

  // std::pow(q, alpha) from the math library, with an exponent the compiler cannot see: GCC
  // folds pow(q, 2.0) with a known exponent into q·q, which is not what the library returns.
  static double library_pow(double q, double alpha) {
    volatile double exponent = alpha;
    return std::pow(q, exponent);
  }

 private:
  [[gnu::noinline]] double other_exponent(double q) const {
    switch (mode_) {
      case Mode::kOne:
        return q;
      case Mode::kZero:
        return 1.0;
      case Mode::kSqrt:
        return sqrt_as_pow(q);
      case Mode::kSquare:
        return square_as_pow(q);
      case Mode::kPow:
        break;
    }
    return std::pow(q, alpha_);
  }

  enum class Mode { kZero, kOne, kSqrt, kSquare, kPow };

  // a·b − fl(a·b), exactly (Dekker's product with Veltkamp's split; no fma, which the portable
  // build would call out of line; no underflow or overflow in the ranges above).
  static double product_error(double a, double b) {
    const auto split = [](double x, double& high, double& low) {
      const double c = 134217729.0 * x;  // 2^27 + 1
      high = c - (c - x);
      low = x - high;
    };
    double ah, al, bh, bl;
    split(a, ah, al);
    split(b, bh, bl);
    const double p = a * b;
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  }

  // Whether the exact value x + error / scale lies within 0.4 ulp of x, a positive normal
  // double that is not a power of two.
  static bool near(double x, double error, double scale) {
    constexpr std::uint64_t kExponent = 0x7ff0000000000000;
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    if ((bits & ~kExponent) == 0) return false;
    const double ulp = std::bit_cast<double>(bits & kExponent) * 0x1p-52;
    return std::fabs(error) <= 0.4 * ulp * scale;
  }

  double alpha_;
  Mode mode_;
};

}  // namespace agora
