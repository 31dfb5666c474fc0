"""What the command line's options make of the model and the task: the
configurations a run's checkpoint records (its "model" and "task" entries),
from which rmc_lib.train.runs rebuilds both."""


#: The memory options' defaults per model: the NTM's as before, the DNC's deepmind/dnc's train.py's.
MEMORY_DEFAULTS = {"ntm": dict(memory_size=128, word_size=20, num_reads=1, num_writes=1),
                   "dnc": dict(memory_size=16, word_size=16, num_reads=4, num_writes=1)}


def model_config(args):
    """The model's configuration from the parsed options: its kind, the sizes
    that kind takes, the readout head's width and the number type."""
    sizes = {}
    if args.model in ("rmc", "relational-rnn"):
        sizes.update(mem_slots=args.mem_slots, head_size=args.head_size, num_heads=args.num_heads,
                     num_blocks=args.num_blocks,
                     gate_style=None if args.gate_style == "none" else args.gate_style,
                     attention_mlp_layers=args.mlp_layers, key_size=args.key_size,
                     forget_bias=args.forget_bias, input_bias=args.input_bias)
    if args.model in ("lstm", "relational-rnn"):
        sizes["hidden_size"] = args.hidden_size
    if args.model == "lstm":
        sizes["forget_bias"] = args.forget_bias
    if args.model in MEMORY_DEFAULTS:
        for name, default in MEMORY_DEFAULTS[args.model].items():
            sizes[name] = default if getattr(args, name) is None else getattr(args, name)
        sizes.update(hidden_size=args.hidden_size, clip_value=args.clip_value)
    if args.model == "ntm":
        sizes["shift_range"] = args.shift_range
    if args.model == "act":
        sizes.update(hidden_size=args.hidden_size, threshold=args.threshold, max_steps=args.max_ponder,
                     ponder_penalty=args.ponder_penalty)
    if args.model in ("stack-lstm", "queue-lstm"):
        sizes.update(hidden_size=args.hidden_size, forget_bias=args.forget_bias)
        if args.value_size is not None:
            sizes["value_size"] = args.value_size
    if args.model == "memn2n":
        sizes.update(embedding_size=args.embedding_size, hops=args.hops, encoding=args.encoding,
                     temporal=not args.no_temporal)
        if args.attend_empty:
            sizes["attend_empty"] = True
    return {"kind": args.model, "sizes": sizes, "head_hidden": args.head_hidden, "dtype": args.dtype}


_STRINGS = {"symbols": "num_symbols", "min_length": "min_length", "max_length": "max_length"}
TASK_OPTIONS = {   # the per-step tasks' arguments, by command-line option
    "copy": {"bits": "num_bits", "min_length": "min_length", "max_length": "max_length"},
    "repeat-copy": {"bits": "num_bits", "min_length": "min_length", "max_length": "max_length",
                    "min_repeats": "min_repeats", "max_repeats": "max_repeats"},
    "associative-recall": {"bits": "num_bits", "item_length": "item_length", "min_items": "min_items",
                           "max_items": "max_items"},
    "dm-repeat-copy": {"bits": "num_bits", "min_length": "min_length", "max_length": "max_length",
                       "min_repeats": "min_repeats", "max_repeats": "max_repeats", "norm_max": "norm_max"},
    "reversal": _STRINGS, "symbol-copy": _STRINGS, "bigram-flip": _STRINGS,
    "parity": {"parity_size": "size"},
}


def task_config(args):
    """The task's configuration: for Nth farthest its four options; for a
    per-step task the options given (run_train then records all its arguments)."""
    if args.task == "babi":
        config = {"name": "babi", "babi_task": args.babi_task, "memory_size": args.babi_memory,
                  "random_noise": args.random_noise if args.model == "memn2n" else 0.0,
                  "form": "memory" if args.model == "memn2n" else "sequence"}
        if args.babi_dir is None:
            config.update(size=args.babi_size, data_seed=args.babi_seed)
        else:
            config["folder"] = args.babi_dir
        return config
    if args.task in TASK_OPTIONS:
        given = {arg: getattr(args, option) for option, arg in TASK_OPTIONS[args.task].items()}
        return {"name": args.task, **{k: v for k, v in given.items() if v is not None}}
    n = None if args.n is None else list(args.n)
    config = {"name": args.task, "num_objects": args.objects, "num_features": args.features, "n_choices": n}
    if args.include_n:
        config["include_n"] = True
    return config
