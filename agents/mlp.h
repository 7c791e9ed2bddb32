// A small multilayer perceptron in Eigen with explicit backpropagation, and the Adam and SGD
// steps, for the neural learners (actor_critic).
//
// Model: layer sizes n_0 (inputs), n_1, ..., n_L (outputs); layer l computes
//   z_l = W_l a_{l−1} + b_l,  a_l = f_l(z_l),  a_0 = input,
// with f_l the hidden activation (tanh, ReLU or identity) for l < L and the output activation
// for l = L. forward() keeps z_l and a_l; backward(g), given g = ∂loss/∂output of a scalar loss
// at that forward pass, adds ∂loss/∂W_l = δ_l a_{l−1}ᵀ and ∂loss/∂b_l = δ_l to the gradients
// (δ_L = g ⊙ f_L'(z_L), δ_{l−1} = (W_lᵀ δ_l) ⊙ f_{l−1}'(z_{l−1})) and returns ∂loss/∂input, so
// gradients of a mini-batch accumulate over samples until zero_gradients(). All weights and
// biases live in one vector (parameters(), layer by layer, each W_l column-major then b_l) with a
// gradient vector of the same layout, so an optimizer is a loop over one array. forward and
// backward allocate nothing.
//
// Initialization (deterministic from the seed, Boost.Random): W_l ~ U[−r, r] with the Glorot
// bound r = sqrt(6 / (n_{l−1} + n_l)) when f_l is tanh or identity and the He bound
// r = sqrt(6 / n_{l−1}) when f_l is ReLU; biases 0.
//
// Adam (Kingma & Ba 2015): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − η m̂ / (sqrt(v̂) + ε)
// with the bias corrections m̂ = m / (1−β₁ᵗ), v̂ = v / (1−β₂ᵗ). SGD: θ ← θ − η g.
//
// Rumelhart, Hinton & Williams, "Learning representations by back-propagating errors", Nature
// (1986); Glorot & Bengio, AISTATS (2010); He et al., ICCV (2015); Kingma & Ba, "Adam: a method
// for stochastic optimization", ICLR (2015).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

namespace agora {

enum class Activation { kIdentity, kTanh, kRelu };

// "identity", "tanh", "relu"; InvariantError otherwise (configs validate the choice first).
Activation activation_from_name(const std::string& name);

class Mlp {
 public:
  // layer_sizes = {inputs, hidden..., outputs}, at least two entries, all ≥ 1.
  Mlp(std::vector<int> layer_sizes, Activation hidden, Activation output, std::uint64_t seed);

  int inputs() const { return sizes_.front(); }
  int outputs() const { return sizes_.back(); }
  int layers() const { return static_cast<int>(sizes_.size()) - 1; }
  const std::vector<int>& layer_sizes() const { return sizes_; }
  Eigen::Index parameter_count() const { return parameters_.size(); }

  // Returns the output and keeps the activations for backward().
  const Eigen::VectorXd& forward(const Eigen::Ref<const Eigen::VectorXd>& input);
  // Adds ∂loss/∂parameters to gradients() for the last forward pass, given ∂loss/∂output;
  // returns ∂loss/∂input.
  const Eigen::VectorXd& backward(const Eigen::Ref<const Eigen::VectorXd>& output_gradient);
  void zero_gradients() { gradients_.setZero(); }

  Eigen::VectorXd& parameters() { return parameters_; }
  const Eigen::VectorXd& parameters() const { return parameters_; }
  const Eigen::VectorXd& gradients() const { return gradients_; }
  Eigen::VectorXd& gradients() { return gradients_; }

  // W_l and b_l, layer = 1..layers().
  Eigen::Map<const Eigen::MatrixXd> weights(int layer) const;
  Eigen::Map<const Eigen::VectorXd> biases(int layer) const;
  Eigen::Map<Eigen::MatrixXd> weights(int layer);
  Eigen::Map<Eigen::VectorXd> biases(int layer);

 private:
  Activation activation(int layer) const { return layer == layers() ? output_ : hidden_; }

  const std::vector<int> sizes_;
  const Activation hidden_;
  const Activation output_;
  std::vector<Eigen::Index> weight_offsets_;  // per layer 1..L (index 0 unused)
  std::vector<Eigen::Index> bias_offsets_;
  Eigen::VectorXd parameters_;
  Eigen::VectorXd gradients_;
  std::vector<Eigen::VectorXd> pre_;    // z_l
  std::vector<Eigen::VectorXd> post_;   // a_l, post_[0] = input
  std::vector<Eigen::VectorXd> delta_;  // δ_l
  Eigen::VectorXd input_gradient_;
};

class Adam {
 public:
  Adam(Eigen::Index size, double learning_rate, double beta1 = 0.9, double beta2 = 0.999,
       double epsilon = 1e-8);
  void step(Eigen::Ref<Eigen::VectorXd> parameters,
            const Eigen::Ref<const Eigen::VectorXd>& gradients);
  std::int64_t steps() const { return steps_; }
  double learning_rate() const { return learning_rate_; }

 private:
  const double learning_rate_;
  const double beta1_;
  const double beta2_;
  const double epsilon_;
  Eigen::VectorXd m_;
  Eigen::VectorXd v_;
  double beta1_power_ = 1.0;
  double beta2_power_ = 1.0;
  std::int64_t steps_ = 0;
};

inline void sgd_step(Eigen::Ref<Eigen::VectorXd> parameters,
                     const Eigen::Ref<const Eigen::VectorXd>& gradients, double learning_rate) {
  parameters -= learning_rate * gradients;
}

}  // namespace agora
