// A classification dataset held in memory: float32 features and class labels, split into train and validation.

/** Rows of one split: features [n, inputs] row-major, labels [n] as class indices. */
export interface Split {
  readonly n: number;
  readonly x: Float32Array;
  readonly y: Int32Array;
}

export interface Dataset {
  readonly name: string;
  /** Where the data comes from and how it was split, for reports. */
  readonly source: string;
  readonly inputs: number;
  readonly classes: number;
  readonly train: Split;
  readonly val: Split;
}

/** Labels as float32 class indices, the form the tensor ops read (exact up to 2^24 classes). */
export function labelsAsFloats(y: Int32Array): Float32Array {
  return Float32Array.from(y);
}
