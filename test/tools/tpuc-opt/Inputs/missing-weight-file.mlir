module attributes {tpuc.weight_file = "no-such-weights.npz"} {
}
