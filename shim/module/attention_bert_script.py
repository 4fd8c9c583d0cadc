"""The app's BERT: Hugging Face's BertForMaskedLM in eval mode, op for op,
written once as the methods of a TorchScript module.

Everything below the marker line is TorchScript source. The shim's build
embeds it (shim/module/meson.build) and compiles it for a Hugging Face folder
(attn-shim-hfbert.cpp); tools/attention_bert.py defines the same text into
every bundle it writes and binds these functions as the methods of its
training module. A bundle, a folder and a training step therefore run the
very same code. Above the marker, this file is a Python module, so that the
functions also run as plain Python.

The methods read these attributes of self, the shim layout (one tensor per
layer in the lists; h hidden, V vocabulary, I intermediate):
  word_embeddings [V, h], position_embeddings [positions, h],
  token_type_embeddings [types, h], embeddings_ln_weight/_bias [h];
  lists: query_weight [h, h], query_bias [h], key_…, value_…,
  attention_output_weight/_bias, attention_ln_weight/_bias,
  intermediate_weight [I, h], intermediate_bias [I], output_weight [h, I],
  output_bias [h], output_ln_weight/_bias;
  transform_weight [h, h], transform_bias, transform_ln_weight/_bias,
  decoder_weight [V, h], decoder_bias [V];
  num_layers, num_heads, head_size, hidden_size, pad_token_id (int);
  eps, scale (sqrt(head_size)), mask_min (float); act (int: 0 erf GELU,
  1 tanh GELU, 2 ReLU).
A model whose embeddings are narrower than its layers (ELECTRA's, e < h)
also has project_weight [h, e] and project_bias [h] (ElectraModel's
embeddings_project); its embeddings, embeddings_ln_* and the head's
transform_weight [e, h], transform_ln_* and decoder_weight [V, e] are then
e wide. One whose head's activation is not the layers' (ELECTRA's generator
head always uses erf GELU) also has head_act. The methods test both with
hasattr, which the TorchScript compiler settles once, when it compiles.
"""

from typing import List, Optional, Tuple  # noqa: F401 - TorchScript annotations

import types

import torch as _torch
from torch import Tensor

# torch as the TorchScript compiler reads it, where torch.X is the operator
# aten::X: of those used below, Python's torch lacks linear and gelu (they
# are in torch.nn.functional). A module, so that tools/attention_bert.py can
# also hand it to the compiler as the meaning of "torch".
torch = types.ModuleType("torch", "torch, with linear and gelu")
torch.linear = _torch.nn.functional.linear
torch.gelu = _torch.nn.functional.gelu
torch.__getattr__ = lambda name: getattr(_torch, name)

# ---- TorchScript source: the build embeds everything below this line ----


def _act(self, x: Tensor) -> Tensor:
    return self._act_code(x, self.act)


def _act_code(self, x: Tensor, code: int) -> Tensor:
    if code == 1:
        return torch.gelu(x, approximate="tanh")
    if code == 2:
        return torch.relu(x)
    return torch.gelu(x)


def _layer_norm(self, x: Tensor, weight: Tensor, bias: Tensor) -> Tensor:
    # In float32 whatever the input: under tools/pretrain's bfloat16 autocast
    # torch 1.13 would run it in bfloat16. On float32 .float() is the tensor
    # itself. Over the last dimension: h, or e for narrower embeddings.
    return torch.layer_norm(x.float(), [x.size(-1)], weight, bias, self.eps)


def _split(self, x: Tensor) -> Tensor:
    b = x.size(0)
    s = x.size(1)
    return x.view(b, s, self.num_heads, self.head_size).permute(0, 2, 1, 3)


def encode(self, input_ids: Tensor, attention_mask: Tensor,
           token_type_ids: Optional[Tensor] = None) -> Tuple[Tensor, Tensor]:
    # hidden [b, s, h] of the last layer and attentions [L, b, H, s, s].
    if token_type_ids is None:
        token_type_ids = torch.zeros_like(input_ids)
    word = torch.embedding(self.word_embeddings, input_ids, self.pad_token_id)
    hidden, attentions, _q, _k, _n = self.encode_full(word, attention_mask, token_type_ids,
                                                      None, False, False)
    return hidden, attentions


def encode_full(self, word: Tensor, attention_mask: Tensor, token_type_ids: Tensor,
                head_mask: Optional[Tensor], want_qk: bool, want_norms: bool,
                norm_factors: Optional[Tensor] = None
                ) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
    # word: the ids' rows of word_embeddings [b, s, h], an input of its own
    # so that saliency can differentiate with respect to it. head_mask
    # [b, L, H] multiplies the probabilities, as HF's head_mask does (the
    # attentions returned are the multiplied ones). Returns hidden [b, s, h],
    # attentions [L, b, H, s, s] and, only when asked (empty otherwise),
    # queries and keys [L, b, H, s, d] after their bias and before the
    # scaling, and value norms [L, b, H, s]: ||f_h(x_j)||, the value vector
    # through the head's slice of the output projection, before its bias
    # (Kobayashi et al. 2020). norm_factors: None, or [L, H, d, d] factors
    # F with F F^T = W W^T, W [d, h] head h's slice of layer l's output
    # projection (the shim makes them once a model: attn-shim-full.cpp), so
    # that ||v W|| = ||v F|| costs d x d, not d x h, multiply-adds a token.
    positions = torch.arange(word.size(1), device=word.device).unsqueeze(0)
    x = (word
         + torch.embedding(self.token_type_embeddings, token_type_ids)
         + torch.embedding(self.position_embeddings, positions))
    hidden = self._layer_norm(x, self.embeddings_ln_weight, self.embeddings_ln_bias)
    if hasattr(self, "project_weight"):
        hidden = torch.linear(hidden, self.project_weight, self.project_bias)
    # HF adds (1 - mask) * finfo(float32).min to the scores.
    mask_bias = (1.0 - attention_mask.unsqueeze(1).unsqueeze(2).to(hidden.dtype)) * self.mask_min
    attentions: List[Tensor] = []
    queries: List[Tensor] = []
    keys: List[Tensor] = []
    norms: List[Tensor] = []
    for i in range(self.num_layers):
        q = self._split(torch.linear(hidden, self.query_weight[i], self.query_bias[i]))
        k = self._split(torch.linear(hidden, self.key_weight[i], self.key_bias[i]))
        v = self._split(torch.linear(hidden, self.value_weight[i], self.value_bias[i]))
        # HF divides by sqrt(d); multiplying by its inverse would differ in
        # the last bit.
        scores = torch.matmul(q, k.transpose(-1, -2)) / self.scale
        scores = scores + mask_bias
        probs = torch.softmax(scores.float(), -1).to(scores.dtype)
        if head_mask is not None:
            probs = probs * head_mask[:, i].unsqueeze(-1).unsqueeze(-1).to(probs.dtype)
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        context = context.view(context.size(0), context.size(1), self.num_heads * self.head_size)
        attended = self._layer_norm(
            torch.linear(context, self.attention_output_weight[i], self.attention_output_bias[i])
            + hidden, self.attention_ln_weight[i], self.attention_ln_bias[i])
        inner = self._act(torch.linear(attended, self.intermediate_weight[i],
                                       self.intermediate_bias[i]))
        hidden = self._layer_norm(
            torch.linear(inner, self.output_weight[i], self.output_bias[i]) + attended,
            self.output_ln_weight[i], self.output_ln_bias[i])
        attentions.append(probs)
        if want_qk:
            queries.append(q)
            keys.append(k)
        if want_norms:
            if norm_factors is None:
                # The output projection's columns of head h: [H, d, h_out].
                out = self.attention_output_weight[i].view(
                    self.hidden_size, self.num_heads, self.head_size).permute(1, 2, 0)
            else:
                out = norm_factors[i]
            f = torch.matmul(v, out.to(v.dtype))
            norms.append(torch.sqrt((f * f).sum(-1)))
    empty = torch.zeros([0], device=hidden.device)
    return (hidden, torch.stack(attentions),
            torch.stack(queries) if want_qk else empty,
            torch.stack(keys) if want_qk else empty,
            torch.stack(norms) if want_norms else empty)


def mlm_head(self, hidden: Tensor) -> Tensor:
    # Vocabulary logits [..., V] of hidden states [..., h].
    x = torch.linear(hidden, self.transform_weight, self.transform_bias)
    if hasattr(self, "head_act"):
        x = self._act_code(x, self.head_act)
    else:
        x = self._act(x)
    x = self._layer_norm(x, self.transform_ln_weight, self.transform_ln_bias)
    return torch.linear(x, self.decoder_weight, self.decoder_bias)


def forward(self, input_ids: Tensor, attention_mask: Tensor) -> Tuple[Tensor, Tensor]:
    hidden, attentions = self.encode(input_ids, attention_mask)
    return self.mlm_head(hidden), attentions


def forward_at(self, input_ids: Tensor, attention_mask: Tensor,
               positions: Tensor) -> Tuple[Tensor, Tensor]:
    # Logits [P, V] of batch item 0 at positions: projecting only those rows
    # avoids the tokens x vocabulary buffer.
    hidden, attentions = self.encode(input_ids, attention_mask)
    rows = hidden[0].index_select(0, positions)
    return self.mlm_head(rows), attentions


def run_full(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor,
             head_mask: Optional[Tensor], positions: Tensor, want_qk: bool, want_norms: bool,
             word: Optional[Tensor] = None, norm_factors: Optional[Tensor] = None
             ) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
    # The shim's run with every option (encode_full): logits [P, V] at
    # positions, rows of the flattened [b * s] tokens, then encode_full's
    # attentions, queries, keys and value norms. word: the word embeddings
    # to start from (saliency's leaf), or None for the ids' rows.
    # norm_factors: encode_full's (None: the value norms' direct form).
    if word is None:
        word = torch.embedding(self.word_embeddings, input_ids, self.pad_token_id)
    hidden, attentions, queries, keys, norms = self.encode_full(
        word, attention_mask, token_type_ids, head_mask, want_qk, want_norms, norm_factors)
    rows = hidden.reshape(-1, self.hidden_size).index_select(0, positions)
    return self.mlm_head(rows), attentions, queries, keys, norms
