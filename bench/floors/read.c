/* Floor: read every file of a folder, nothing else. Usage: read-floor DIR */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  DIR *dir = opendir(argv[1]);
  if (!dir) return 1;
  int dirfd_ = dirfd(dir);
  static char buffer[1 << 16];
  unsigned long long bytes = 0;
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    if (entry->d_name[0] == '.') continue;
    int fd = openat(dirfd_, entry->d_name, O_RDONLY);
    if (fd < 0) continue;
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) bytes += (unsigned long long)n;
    close(fd);
  }
  closedir(dir);
  printf("%llu\n", bytes);
  return 0;
}
