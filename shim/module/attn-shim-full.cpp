/* attn-shim-full.cpp: see attn-shim-full.h. */

#include "attn-shim-full.h"

#include "attn-shim-bert-script.h"

#include "attn-shim-hfbert.h"
#include "attn-shim-i18n.h"

#include <torch/csrc/autograd/autograd.h>

#include <cmath>
#include <map>
#include <stdexcept>
#include <vector>

namespace
{

/* The source's attributes (attention_bert_script.py) and Hugging Face's
 * names for them, as tools/attention_bert.py pairs them. */
const char *const model_tensors[][2] = {
  { "word_embeddings", "bert.embeddings.word_embeddings.weight" },
  { "position_embeddings", "bert.embeddings.position_embeddings.weight" },
  { "token_type_embeddings", "bert.embeddings.token_type_embeddings.weight" },
  { "embeddings_ln_weight", "bert.embeddings.LayerNorm.weight" },
  { "embeddings_ln_bias", "bert.embeddings.LayerNorm.bias" },
  { "transform_weight", "cls.predictions.transform.dense.weight" },
  { "transform_bias", "cls.predictions.transform.dense.bias" },
  { "transform_ln_weight", "cls.predictions.transform.LayerNorm.weight" },
  { "transform_ln_bias", "cls.predictions.transform.LayerNorm.bias" },
  { "decoder_bias", "cls.predictions.bias" },
  { "decoder_weight", "cls.predictions.decoder.weight" },
};
const char *const layer_tensors[][2] = {
  { "query_weight", "attention.self.query.weight" },
  { "query_bias", "attention.self.query.bias" },
  { "key_weight", "attention.self.key.weight" },
  { "key_bias", "attention.self.key.bias" },
  { "value_weight", "attention.self.value.weight" },
  { "value_bias", "attention.self.value.bias" },
  { "attention_output_weight", "attention.output.dense.weight" },
  { "attention_output_bias", "attention.output.dense.bias" },
  { "attention_ln_weight", "attention.output.LayerNorm.weight" },
  { "attention_ln_bias", "attention.output.LayerNorm.bias" },
  { "intermediate_weight", "intermediate.dense.weight" },
  { "intermediate_bias", "intermediate.dense.bias" },
  { "output_weight", "output.dense.weight" },
  { "output_bias", "output.dense.bias" },
  { "output_ln_weight", "output.LayerNorm.weight" },
  { "output_ln_bias", "output.LayerNorm.bias" },
};

[[noreturn]] void
not_bert (void)
{
  throw std::runtime_error (_ ("its weights are not those of a BERT under known names"));
}

/* The same memory as t, as an ordinary tensor: the module was loaded under
 * inference mode, and autograd (saliency) refuses to save inference tensors
 * for the backward pass. Aliasing costs nothing; copying bert-base's
 * weights would cost 440 MB. */
at::Tensor
ordinary_view (const at::Tensor &t)
{
  at::Tensor c = t.to (at::kFloat).contiguous ();

  return torch::from_blob (
      c.data_ptr (), c.sizes (), c.strides (), [c] (void *) {}, c.options ());
}

/* A tensor attribute of m, or an undefined tensor. */
at::Tensor
tensor_attr (const torch::jit::Module &m, const char *name)
{
  if (!m.hasattr (name))
    return at::Tensor ();
  c10::IValue v = m.attr (name);
  return v.isTensor () ? v.toTensor () : at::Tensor ();
}

} /* namespace */

torch::jit::Module
attn_shim_full_build (const torch::jit::Module &loaded, const std::string &config_json)
{
  AttnBertShape shape = attn_shim_hf_shape (config_json);
  torch::jit::Module m (c10::QualifiedName ("__torch__.attention.BertFull"));
  /* Bundles of the shared source keep the weights as attributes under the
   * source's names; older ones (scripted nn.Modules, the demo bundle) as
   * parameters under Hugging Face's. */
  bool layout = loaded.hasattr ("word_embeddings") && loaded.hasattr ("query_weight");
  std::map<std::string, at::Tensor> hf;

  if (!layout)
    {
      for (const auto &p : loaded.named_parameters (true))
        hf[p.name] = p.value;
      for (const auto &p : loaded.named_buffers (true))
        hf[p.name] = p.value;
    }
  auto get_hf = [&] (const std::string &name) -> at::Tensor {
    auto found = hf.find (name);

    if (found == hf.end ())
      found = hf.find (name.compare (0, 5, "bert.") == 0 ? name.substr (5) : name);
    return found != hf.end () ? found->second : at::Tensor ();
  };

  for (const auto &names : model_tensors)
    {
      at::Tensor t = layout ? tensor_attr (loaded, names[0]) : get_hf (names[1]);

      /* Tied, as in HF: the decoder's weight is the word embeddings, its
       * bias stored under either name. */
      if (!t.defined () && strcmp (names[0], "decoder_weight") == 0)
        t = layout ? tensor_attr (loaded, "word_embeddings")
                   : get_hf ("bert.embeddings.word_embeddings.weight");
      if (!t.defined () && !layout && strcmp (names[0], "decoder_bias") == 0)
        t = get_hf ("cls.predictions.decoder.bias");
      if (!t.defined ())
        not_bert ();
      m.register_attribute (names[0], c10::TensorType::get (), ordinary_view (t));
    }
  /* Embeddings narrower than the layers (ELECTRA's) come with their
   * projection to hidden_size, and a head of their own width. */
  at::Tensor project = layout ? tensor_attr (loaded, "project_weight") : at::Tensor ();
  int64_t width = project.defined () ? project.size (-1) : shape.hidden_size;
  if (m.attr ("word_embeddings").toTensor ().dim () != 2 ||
      m.attr ("word_embeddings").toTensor ().size (1) != width)
    not_bert ();
  if (project.defined ())
    {
      at::Tensor bias = tensor_attr (loaded, "project_bias");

      if (project.dim () != 2 || project.size (0) != shape.hidden_size || !bias.defined ())
        not_bert ();
      m.register_attribute ("project_weight", c10::TensorType::get (), ordinary_view (project));
      m.register_attribute ("project_bias", c10::TensorType::get (), ordinary_view (bias));
    }

  for (const auto &names : layer_tensors)
    {
      c10::List<at::Tensor> list;

      if (layout)
        {
          if (!loaded.hasattr (names[0]) || !loaded.attr (names[0]).isTensorList ())
            not_bert ();
          for (const at::Tensor &t : loaded.attr (names[0]).toTensorList ())
            list.push_back (ordinary_view (t));
        }
      else
        for (int64_t l = 0;; l++)
          {
            at::Tensor t = get_hf ("bert.encoder.layer." + std::to_string (l) + "." + names[1]);

            if (!t.defined ())
              break;
            list.push_back (ordinary_view (t));
          }
      if ((int64_t)list.size () != shape.num_layers)
        not_bert ();
      m.register_attribute (names[0], c10::ListType::ofTensors (), list);
    }

  int64_t head_size = shape.hidden_size / shape.num_heads;
  m.register_attribute ("num_layers", c10::IntType::get (), shape.num_layers);
  m.register_attribute ("num_heads", c10::IntType::get (), shape.num_heads);
  m.register_attribute ("head_size", c10::IntType::get (), head_size);
  m.register_attribute ("hidden_size", c10::IntType::get (), shape.hidden_size);
  m.register_attribute ("pad_token_id", c10::IntType::get (), shape.pad_token_id);
  m.register_attribute ("eps", c10::FloatType::get (), shape.eps);
  m.register_attribute ("scale", c10::FloatType::get (), std::sqrt ((double)head_size));
  m.register_attribute ("mask_min", c10::FloatType::get (), attn_shim_hf_mask_min ());
  m.register_attribute ("act", c10::IntType::get (), shape.act);
  if (layout && loaded.hasattr ("head_act") && loaded.attr ("head_act").isInt ())
    m.register_attribute ("head_act", c10::IntType::get (), loaded.attr ("head_act").toInt ());
  m.define (attn_shim_bert_script);
  m.eval ();
  return m;
}

std::string
attn_shim_full_batch (const attn_shim_run_params *params, AttnBatch &batch)
{
  size_t n = params->n_sequences;
  size_t total = 0;

  batch = AttnBatch ();
  if (n == 0 || params->lengths == NULL)
    {
      if (n > 1)
        return _ ("a batch of several sequences needs their lengths");
      batch.lengths.push_back ((int64_t)params->n_ids);
    }
  else
    for (size_t s = 0; s < n; s++)
      {
        if (params->lengths[s] == 0)
          return attn_format (_ ("sequence %zu of the batch is empty"), s + 1);
        batch.lengths.push_back ((int64_t)params->lengths[s]);
        total += params->lengths[s];
      }
  if (n > 0 && params->lengths != NULL && total != params->n_ids)
    return attn_format (_ ("the lengths of the batch add up to %zu tokens, not %zu"), total,
                        params->n_ids);
  for (int64_t len : batch.lengths)
    batch.width = std::max (batch.width, len);
  for (size_t s = 0, offset = 0; s < batch.lengths.size (); s++)
    {
      batch.offsets.push_back ((int64_t)offset);
      for (int64_t t = 0; t < batch.lengths[s]; t++)
        batch.flat.push_back ((int64_t)s * batch.width + t);
      offset += (size_t)batch.lengths[s];
    }
  return "";
}

at::Tensor
attn_shim_full_norm_factors (const torch::jit::Module &full)
{
  /* Not inference tensors: a saliency run's autograd saves them for its
   * backward pass, and refuses inference tensors. */
  c10::InferenceMode inference_off (false);
  torch::NoGradGuard no_grad;
  int64_t n_heads = full.attr ("num_heads").toInt ();
  int64_t d = full.attr ("head_size").toInt ();
  std::vector<at::Tensor> weights = full.attr ("attention_output_weight").toTensorVector ();
  std::vector<at::Tensor> factors;

  for (size_t l = 0; l < weights.size (); l++)
    {
      at::Tensor w = weights[l];
      size_t same = 0;

      while (same < l &&
             !(weights[same].data_ptr () == w.data_ptr () && weights[same].sizes () == w.sizes () &&
               weights[same].strides () == w.strides ()))
        same++;
      if (same < l)
        {
          factors.push_back (factors[same]);
          continue;
        }
      /* w is [hidden_out, H·d] (y = x wᵀ): head h's W is [d, hidden_out],
       * the transpose of its d columns. As [H, hidden_out, d]: */
      at::Tensor a = w.to (at::kDouble).view ({ w.size (0), n_heads, d }).permute ({ 1, 0, 2 });
      at::Tensor gram = at::matmul (a.transpose (1, 2), a);
      auto [factor, info] = at::linalg_cholesky_ex (gram);
      at::Tensor failed = info.ne (0).nonzero ().view ({ -1 });

      if (failed.numel () > 0)
        {
          /* G = U Λ Uᵀ, F = U Λ^½: rounding can leave an eigenvalue of a
           * singular G slightly below 0. */
          auto [lambda, u] = at::linalg_eigh (gram.index_select (0, failed));

          factor.index_copy_ (0, failed, u * lambda.clamp_min (0).sqrt ().unsqueeze (-2));
        }
      factors.push_back (factor.to (at::kFloat));
    }
  return at::stack (factors).contiguous ();
}

void
attn_shim_full_run (torch::jit::Module &full,
                    const attn_shim_run_params *params,
                    const AttnBatch &batch,
                    const at::Tensor &norm_factors,
                    AttnFullOutputs &out)
{
  int64_t b = (int64_t)batch.lengths.size (), w = batch.width;
  int64_t n_layers = full.attr ("num_layers").toInt ();
  int64_t n_heads = full.attr ("num_heads").toInt ();
  int64_t n_positions = (int64_t)params->n_positions;
  int64_t n_saliency = (int64_t)params->n_saliency;
  auto i64 = torch::TensorOptions ().dtype (torch::kInt64);
  at::Tensor ids = torch::zeros ({ b * w }, i64);
  at::Tensor mask = torch::zeros ({ b * w }, i64);
  at::Tensor types = torch::zeros ({ b * w }, i64);
  at::Tensor rows = torch::empty ({ n_positions + n_saliency }, i64);
  at::Tensor flat =
      torch::from_blob ((void *)batch.flat.data (), { (int64_t)batch.flat.size () }, i64);
  int64_t *pi = ids.data_ptr<int64_t> (), *pm = mask.data_ptr<int64_t> ();
  int64_t *pt = types.data_ptr<int64_t> (), *pr = rows.data_ptr<int64_t> ();
  c10::IValue head_mask; /* None: every head on */

  for (size_t p = 0; p < params->n_ids; p++)
    {
      pi[batch.flat[p]] = params->ids[p];
      pm[batch.flat[p]] = 1;
      if (params->token_type_ids != NULL)
        pt[batch.flat[p]] = params->token_type_ids[p];
    }
  ids = ids.view ({ b, w });
  mask = mask.view ({ b, w });
  types = types.view ({ b, w });
  for (int64_t i = 0; i < n_positions; i++)
    pr[i] = batch.flat[(size_t)params->positions[i]];
  for (int64_t i = 0; i < n_saliency; i++)
    pr[n_positions + i] = batch.flat[(size_t)params->saliency_positions[i]];
  if (params->head_mask != NULL)
    {
      auto f32 = torch::TensorOptions ().dtype (torch::kFloat32);

      if (params->head_mask_per_sequence)
        head_mask =
            torch::from_blob ((void *)params->head_mask, { b, n_layers, n_heads }, f32).clone ();
      else
        head_mask = torch::from_blob ((void *)params->head_mask, { 1, n_layers, n_heads }, f32)
                        .clone ()
                        .expand ({ b, n_layers, n_heads });
    }

  auto unpack = [&] (const c10::IValue &value) {
    if (!value.isTuple () || value.toTuple ()->elements ().size () != 5)
      throw std::runtime_error (_ ("the model's run_full does not return five tensors"));
    /* A copy: GCC's bounds check cannot see past the tuple's inline
     * storage of three and warns about e[4]. */
    std::vector<c10::IValue> e;
    for (const c10::IValue &x : value.toTuple ()->elements ())
      e.push_back (x);
    out.logits = e[0].toTensor ();
    out.attentions = e[1].toTensor ();
    out.queries = params->want_qk ? e[2].toTensor () : at::Tensor ();
    out.keys = params->want_qk ? e[3].toTensor () : at::Tensor ();
    out.norms = params->want_value_norms ? e[4].toTensor () : at::Tensor ();
  };
  torch::jit::Method run = full.get_method ("run_full");
  c10::IValue factors; /* None: the direct form */

  if (params->want_value_norms && norm_factors.defined ())
    factors = norm_factors;

  if (n_saliency == 0)
    {
      c10::InferenceMode guard;

      unpack (run ({ ids, mask, types, head_mask, rows, params->want_qk != 0,
                     params->want_value_norms != 0, c10::IValue (), factors }));
      return;
    }

  /* Saliency: grad × input of log p(token) at its position with respect to
   * the word embeddings (the rows of the embedding matrix, HF's
   * inputs_embeds), one backward pass a prediction. Only the input is a
   * leaf that wants a gradient: none is computed for the weights. */
  torch::AutoGradMode grad_mode (true);
  at::Tensor word = torch::embedding (full.attr ("word_embeddings").toTensor (), ids)
                        .detach ()
                        .requires_grad_ (true);

  unpack (run ({ ids, mask, types, head_mask, rows, params->want_qk != 0,
                 params->want_value_norms != 0, word, factors }));
  at::Tensor all_logits = out.logits;
  at::Tensor log_p = torch::log_softmax (all_logits.narrow (0, n_positions, n_saliency), -1);
  out.saliency = torch::empty ({ n_saliency, (int64_t)params->n_ids });
  out.saliency_token_ids = torch::empty ({ n_saliency }, i64);
  for (int64_t i = 0; i < n_saliency; i++)
    {
      /* A token id of -1: the model's own top-1 there. */
      int64_t token = params->saliency_token_ids[i] >= 0 ? params->saliency_token_ids[i]
                                                         : log_p[i].argmax ().item<int64_t> ();
      at::Tensor target = log_p[i][token];

      out.saliency_token_ids[i] = token;
      auto grads = torch::autograd::grad ({ target }, { word }, {}, i + 1 < n_saliency);
      at::Tensor s = (grads[0] * word).sum (-1).reshape ({ -1 }).index_select (0, flat);

      out.saliency[i].copy_ (s.detach ());
    }
  out.logits = all_logits.narrow (0, 0, n_positions).detach ();
  out.attentions = out.attentions.detach ();
  if (out.queries.defined ())
    {
      out.queries = out.queries.detach ();
      out.keys = out.keys.detach ();
    }
  if (out.norms.defined ())
    out.norms = out.norms.detach ();
}
