/* SAXPY and a dot product with OpenMP: a small kernel in the style of HPC code. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static void saxpy(int n, float a, const float *x, float *y) {
#pragma omp parallel for schedule(static)
  for (int i = 0; i < n; i++) {
    y[i] = a * x[i] + y[i];
  }
}

static double dot(int n, const float *x, const float *y) {
  double sum = 0.0;
#pragma omp parallel for reduction(+ : sum)
  for (int i = 0; i < n; i++) {
    sum += (double)x[i] * y[i];
  }
  return sum;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1 << 20;
  float *x = malloc(sizeof(float) * n);
  float *y = malloc(sizeof(float) * n);
  for (int i = 0; i < n; i++) {
    x[i] = 1.0f;
    y[i] = 2.0f;
  }
  double t0 = omp_get_wtime();
  saxpy(n, 3.0f, x, y);
  printf("dot = %.1f in %.3f ms on %d threads\n", dot(n, x, y), 1e3 * (omp_get_wtime() - t0), omp_get_max_threads());
  free(x);
  free(y);
  return 0;
}
