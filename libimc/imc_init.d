imc_init.o: imc_init.c imc_internal.h ../include/sys/imc.h \
 ../include/uapi/rsm_ioctl.h
imc_internal.h:
../include/sys/imc.h:
../include/uapi/rsm_ioctl.h:
