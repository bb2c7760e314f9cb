"""The libvirt (QEMU/KVM) hypervisor driver."""
