! Explicit finite differences for the 1-D heat equation, free-form Fortran with OpenMP.
program heat
  implicit none
  integer, parameter :: n = 1000, steps = 5000
  real(8), parameter :: alpha = 0.25d0
  real(8) :: u(0:n+1), unew(0:n+1)
  integer :: i, t

  u = 0.0d0
  u(n/2) = 1.0d0
  do t = 1, steps
!$omp parallel do
    do i = 1, n
      unew(i) = u(i) + alpha * (u(i-1) - 2.0d0 * u(i) + u(i+1))
    end do
!$omp end parallel do
    u(1:n) = unew(1:n)
  end do
  print '(a, f10.6)', 'centre temperature: ', u(n/2)
end program heat
